package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Instances;
import io.hookline.testing.RawUpload;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL while 8 uploads stream at once, each with pages staged: after a restart none of them is visible, the
 * sweep deletes what they staged, and posting each again is accepted exactly once.
 */
@Order(4)
class UploadKillIT {

    static final int RECORDS = 20_000;
    static final int CHUNK = 10;
    static final int UPLOADS = 8;
    static final JsonObject CONF = new JsonObject()
            .put("delivery", new JsonObject().put("pollIntervalMs", 200))
            .put("ingest", new JsonObject().put("abandonedUploadMs", 2000));

    private final Instances instances = new Instances();
    private final List<RawUpload> uploads = new ArrayList<>();
    private Sink sink;
    private Deliveries deliveries;
    private HooklineProcess.Home home;

    @BeforeEach
    void setUp() {
        sink = new Sink();
        deliveries = new Deliveries(sink);
        home = HooklineProcess.Home.create(CONF);
    }

    @AfterEach
    void tearDown() {
        uploads.forEach(RawUpload::close);
        instances.close();
        sink.close();
    }

    @Test
    void killDuringEightConcurrentUploadsLeavesNothingVisibleAndEachIsAcceptedOnceWhenPostedAgain() {
        HooklineProcess first = instances.start(home, "upload-kill-1");
        String template = Api.uniqueTemplate("upload-kill");
        first.api()
                .destination(
                        template,
                        new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK));
        List<String> ids = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int u = 0; u < UPLOADS; u++) {
            String uploadId = template + "-" + u;
            byte[] body = Deliveries.importBody(template, uploadId, RECORDS);
            ids.add(uploadId);
            bodies.add(body);
            RawUpload upload = RawUpload.open(first.api().base(), null);
            uploads.add(upload);
            upload.write(body, 0, body.length / 2);
        }
        Await.until(
                () -> TestDb.number(
                                "SELECT count(*) FROM uploads WHERE template = ? AND owner = ? "
                                        + "AND abandoned_at IS NULL",
                                template,
                                first.instanceId())
                        == UPLOADS,
                Duration.ofSeconds(60),
                UPLOADS + " uploads streaming at once, with staged pages");
        long staged = TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template);
        first.kill();

        HooklineProcess second = instances.start(home, "upload-kill-2");
        for (String uploadId : ids) {
            assertThat(second.api().get("/v1/imports/" + uploadId).status())
                    .as(uploadId)
                    .isEqualTo(404);
        }
        assertThat(second.api().items("/v1/imports?template=" + template)).isEmpty();
        assertThat(TestDb.number("SELECT count(*) FROM imports WHERE template = ?", template))
                .isZero();
        assertThat(TestDb.number("SELECT count(*) FROM chunks WHERE template = ?", template))
                .isZero();

        long t0 = System.currentTimeMillis();
        Await.until(
                () -> TestDb.number("SELECT count(*) FROM uploads WHERE template = ?", template) == 0
                        && TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template) == 0,
                Duration.ofSeconds(30),
                "the sweep to delete the dead uploads' staged pages");
        System.out.printf(
                "[durability] kill during %d uploads: %d staged pages swept %d ms after the restart%n",
                UPLOADS, staged, System.currentTimeMillis() - t0);

        for (int u = 0; u < UPLOADS; u++) {
            Api.Response r = second.api().sendBytes("POST", "/v1/imports", "application/json", bodies.get(u));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            assertThat(r.json().getString("uploadId")).isEqualTo(ids.get(u));
        }
        for (int u = 0; u < UPLOADS; u++) {
            Api.Response again = second.api().sendBytes("POST", "/v1/imports", "application/json", bodies.get(u));
            assertThat(again.status()).as("a second post of %s", ids.get(u)).isEqualTo(200);
        }
        assertThat(second.api().items("/v1/imports?template=" + template)).hasSize(UPLOADS);
        for (String uploadId : ids) {
            assertThat(second.api()
                            .awaitFinished(uploadId, Duration.ofSeconds(120))
                            .getString("status"))
                    .isEqualTo("COMPLETED");
            deliveries.verify(uploadId, RECORDS, CHUNK);
        }
        assertThat(TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template))
                .isEqualTo((long) UPLOADS * RECORDS / CHUNK);
    }
}
