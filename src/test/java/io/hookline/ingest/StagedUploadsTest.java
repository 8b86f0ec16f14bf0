package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.RawUpload;
import io.hookline.testing.Records;
import io.hookline.testing.SharedServerTest;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Uploads stage their pages while they stream, without a transaction: many at once all go through, staged pages are
 * invisible until the 202, and a second post of an upload id that is still streaming resolves to one import.
 */
class StagedUploadsTest extends SharedServerTest {

    private static final int RECORDS = 800;
    private static final int RECORD_BYTES = 1000;

    private static String records(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(i == 0 ? "" : ",").append(Records.padded(i, RECORD_BYTES));
        }
        return b.toString();
    }

    private static String wholeBody(String template, String uploadId) {
        return Records.opening(template, uploadId) + records(0, RECORDS) + "]}";
    }

    private static void awaitLiveUploads(String template, int n) {
        Await.until(
                () -> TestDb.number(
                                "SELECT count(*) FROM uploads WHERE template = ? AND abandoned_at IS NULL", template)
                        == n,
                Duration.ofSeconds(60),
                n + " uploads of " + template + " with staged pages");
    }

    private static void awaitOnlyAcceptedPages(String template, int pages) {
        Await.until(
                () -> TestDb.number("SELECT count(*) FROM uploads WHERE template = ?", template) == 0
                        && TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template) == pages,
                Duration.ofSeconds(30),
                "only the accepted import's " + pages + " pages left for " + template);
    }

    @Test
    void thirtyTwoUploadsStreamedAtOnceAreAllAccepted() {
        String template = Api.uniqueTemplate("many");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 50));
        List<RawUpload> uploads = new ArrayList<>();
        try {
            for (int u = 0; u < 32; u++) {
                RawUpload upload = RawUpload.open(api.base(), null);
                uploads.add(upload);
                upload.write(Records.opening(template, template + "-" + u) + records(0, RECORDS / 2));
            }
            // all 32 are in progress at the same time, each with staged pages, and none is visible yet
            awaitLiveUploads(template, 32);
            assertThat(api.items("/v1/imports?template=" + template)).isEmpty();
            assertThat(TestDb.number("SELECT count(*) FROM chunks WHERE template = ?", template))
                    .isZero();

            for (RawUpload upload : uploads) {
                upload.write(records(RECORDS / 2, RECORDS) + "]}");
            }
            for (int u = 0; u < 32; u++) {
                Api.Response r = uploads.get(u).finishAndRead(Duration.ofSeconds(60));
                assertThat(r.status()).as("upload %d: %s", u, r.body()).isEqualTo(202);
                assertThat(r.json().getLong("totalRecords")).isEqualTo(RECORDS);
                assertThat(r.json().getInteger("totalPages")).isEqualTo(RECORDS / 50);
            }
        } finally {
            uploads.forEach(RawUpload::close);
        }
        assertThat(api.items("/v1/imports?template=" + template + "&limit=100")).hasSize(32);
        assertThat(TestDb.number("SELECT count(*) FROM chunks WHERE template = ?", template))
                .isEqualTo(32 * 16);
        awaitOnlyAcceptedPages(template, 32 * 16);
        assertThat(TestDb.number(
                        "SELECT count(*) FROM chunk_bodies b JOIN chunks c USING (import_id, page) "
                                + "WHERE b.template = ?",
                        template))
                .isEqualTo(32 * 16);
    }

    @Test
    void anUploadThatStillStreamsIsKeptAlivePastTheAbandonTimeAndAccepted() throws Exception {
        TestServer server = TestServer.start(
                Map.of(), new JsonObject().put("ingest", new JsonObject().put("abandonedUploadMs", 1000)));
        try {
            String template = Api.uniqueTemplate("alive");
            server.api()
                    .destination(
                            template,
                            new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 50));
            String uploadId = "alive-" + template;
            byte[] bytes = wholeBody(template, uploadId).getBytes(StandardCharsets.UTF_8);
            try (RawUpload upload = RawUpload.open(server.api().base(), null)) {
                upload.write(bytes, 0, bytes.length / 2);
                // no page is staged while the client pauses, yet the instance keeps marking the upload as alive
                Await.until(
                        () -> TestDb.number(
                                        "SELECT count(*) FROM uploads WHERE template = ? AND abandoned_at IS NULL "
                                                + "AND last_activity > started_at + interval '2 seconds'",
                                        template)
                                == 1,
                        Duration.ofSeconds(30),
                        "the upload to be kept alive for twice the abandon time");
                upload.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
                Api.Response r = upload.finishAndRead(Duration.ofSeconds(30));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
            }
            assertThat(TestDb.number(
                            "SELECT count(*) FROM chunk_bodies b JOIN chunks c USING (import_id, page) "
                                    + "WHERE b.template = ?",
                            template))
                    .isEqualTo(RECORDS / 50);
            assertThat(TestDb.number("SELECT count(*) FROM uploads WHERE template = ?", template))
                    .isZero();
        } finally {
            server.stop();
        }
    }

    @Test
    void aSecondPostWhileTheFirstStillStreamsWinsAndTheFirstGetsTheStoredImport() {
        String template = Api.uniqueTemplate("race-stream");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 50));
        String uploadId = "streaming-" + template;
        String body = wholeBody(template, uploadId);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (RawUpload first = RawUpload.open(api.base(), null)) {
            first.write(bytes, 0, bytes.length / 2);
            awaitLiveUploads(template, 1);
            assertThat(api.get("/v1/imports/" + uploadId).status())
                    .as("staged pages are invisible")
                    .isEqualTo(404);

            Api.Response second = api.send("POST", "/v1/imports", "application/json", body);
            assertThat(second.status()).as(second.body()).isEqualTo(202);

            first.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
            Api.Response late = first.finishAndRead(Duration.ofSeconds(30));
            assertThat(late.status()).as(late.body()).isEqualTo(200);
            assertThat(late.json().getString("uploadId")).isEqualTo(uploadId);
            assertThat(late.json().getLong("totalRecords")).isEqualTo(RECORDS);
        }
        assertThat(api.items("/v1/imports?template=" + template)).hasSize(1);
        awaitOnlyAcceptedPages(template, RECORDS / 50);
        assertThat(api.awaitFinished(uploadId, Duration.ofSeconds(30)).getString("status"))
                .isEqualTo("COMPLETED");
        assertThat(sink.receivedFor(uploadId)).hasSize(RECORDS / 50);
    }

    @Test
    void aDifferentBodyUnderAnUploadIdThatWasTakenWhileItStreamedIsA409() {
        String template = Api.uniqueTemplate("race-409");
        api.destination(
                template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 50));
        String uploadId = "streaming-" + template;
        byte[] bytes = wholeBody(template, uploadId).getBytes(StandardCharsets.UTF_8);
        try (RawUpload first = RawUpload.open(api.base(), null)) {
            first.write(bytes, 0, bytes.length / 2);
            awaitLiveUploads(template, 1);

            Api.Response other = api.post(
                    "/v1/imports",
                    new JsonObject()
                            .put("template", template)
                            .put("uploadId", uploadId)
                            .put("records", Records.of(3)));
            assertThat(other.status()).as(other.body()).isEqualTo(202);

            first.write(bytes, bytes.length / 2, bytes.length - bytes.length / 2);
            Api.Response late = first.finishAndRead(Duration.ofSeconds(30));
            assertThat(late.status()).as(late.body()).isEqualTo(409);
            assertThat(late.errorFields()).containsExactly("uploadId");
        }
        assertThat(api.importView(uploadId).getLong("totalRecords")).isEqualTo(3);
        awaitOnlyAcceptedPages(template, 1);
    }
}
