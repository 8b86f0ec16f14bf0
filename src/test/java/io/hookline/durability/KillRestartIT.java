package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Instances;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL at three points of a large import's life (20,000 records, chunkSize 10: 2,000 webhooks), then a restart:
 * nothing accepted is lost, nothing half-accepted is visible, resent webhooks are byte-identical.
 */
@Order(1)
class KillRestartIT {

    static final int RECORDS = 20_000;
    static final int CHUNK = 10;
    static final int PAGES = RECORDS / CHUNK;
    /** Short leases so a dead process's chunks come back quickly; a fast poll; a dead upload is swept quickly. */
    static final JsonObject CONF = new JsonObject()
            .put("delivery", new JsonObject().put("leaseSeconds", 3).put("pollIntervalMs", 200))
            .put("ingest", new JsonObject().put("abandonedUploadMs", 2000))
            .put("shutdown", new JsonObject().put("graceMs", 3000));

    private final Instances instances = new Instances();
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
        instances.close();
        sink.close();
    }

    private static String post(Api api, String template, String uploadId) {
        Api.Response r = api.sendBytes(
                "POST", "/v1/imports", "application/json", Deliveries.importBody(template, uploadId, RECORDS));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().getInteger("totalPages")).isEqualTo(PAGES);
        return r.json().getString("uploadId");
    }

    private Deliveries.Summary finishAndVerify(Api api, String uploadId, String label, long t0) {
        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(120));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getJsonObject("chunks").getInteger("delivered")).isEqualTo(PAGES);
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        assertThat(TestDb.number(
                        "SELECT count(*) FROM chunks c JOIN imports i ON i.id = c.import_id "
                                + "WHERE i.upload_id = ? AND c.status <> 'DELIVERED'",
                        uploadId))
                .isZero();
        System.out.printf(
                "[durability] %s: %d pages, %d requests, %d delivered (2xx), %d duplicates, %d ms%n",
                label, s.pages(), s.requests(), s.delivered(), s.duplicates(), System.currentTimeMillis() - t0);
        return s;
    }

    @Test
    void killDuringIngestLeavesNoTraceAndTheSameUploadIdCanBePostedAgain() throws Exception {
        HooklineProcess first = instances.start(home, "kill-ingest-1");
        String template = Api.uniqueTemplate("kill-ingest");
        first.api()
                .destination(
                        template,
                        new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", CHUNK));
        String uploadId = "ingest-" + template;
        byte[] body = Deliveries.importBody(template, uploadId, RECORDS);
        long orphansBefore = TestDb.number(
                "SELECT count(*) FROM chunk_bodies b WHERE NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = b.import_id)");

        // Half of the body goes out; the upload has staged pages when the process dies.
        int port = Integer.parseInt(first.api().base().replaceAll(".*:", ""));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            Await.until(
                    () -> TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template) > 0,
                    Duration.ofSeconds(30),
                    "the upload to have staged pages");
            first.kill();
        }

        HooklineProcess second = instances.start(home, "kill-ingest-2");
        assertThat(second.api().get("/v1/imports/" + uploadId).status()).isEqualTo(404);
        assertThat(TestDb.number("SELECT count(*) FROM imports WHERE upload_id = ?", uploadId))
                .isZero();
        assertThat(TestDb.number("SELECT count(*) FROM chunks WHERE template = ?", template))
                .isZero();
        // the staged pages of the dead upload are swept once nobody has touched them for ingest.abandonedUploadMs
        Await.until(
                () -> TestDb.number("SELECT count(*) FROM chunk_bodies WHERE template = ?", template) == 0
                        && TestDb.number("SELECT count(*) FROM uploads WHERE template = ?", template) == 0,
                Duration.ofSeconds(30),
                "the dead upload's staged pages to be swept");
        assertThat(TestDb.number("SELECT count(*) FROM chunk_bodies b "
                        + "WHERE NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = b.import_id)"))
                .isEqualTo(orphansBefore);
        assertThat(deliveries.requests(uploadId)).isZero();

        long t0 = System.currentTimeMillis();
        assertThat(post(second.api(), template, uploadId)).isEqualTo(uploadId);
        finishAndVerify(second.api(), uploadId, "kill during ingest, then posted again", t0);
    }

    @Test
    void killDuringSendingResendsTheSameBytesAfterTheRestart() {
        HooklineProcess first = instances.start(home, "kill-send-1");
        String template = Api.uniqueTemplate("kill-send");
        first.api()
                .destination(
                        template,
                        new JsonObject()
                                .put("callbackUrl", sink.url())
                                .put("chunkSize", CHUNK)
                                .put("timeoutMs", 5000));
        // A slow-ish receiver, so that the kill lands in the middle of delivery.
        deliveries.answer(r -> Sink.Reply.ok().delayed(20));
        long t0 = System.currentTimeMillis();
        String uploadId = post(first.api(), template, "send-" + template);
        Await.until(() -> deliveries.delivered(uploadId) >= PAGES / 4, Duration.ofSeconds(60), "a quarter delivered");
        first.kill();
        long atKill = deliveries.requests(uploadId);
        assertThat(atKill).as("killed mid-delivery").isLessThan(PAGES);
        // requests the receiver saw whose outcome the database does not hold: in flight, or in a batch not yet written
        long unrecorded = atKill
                - TestDb.number(
                        "SELECT count(*) FROM attempts a JOIN imports i ON i.id = a.import_id "
                                + "WHERE i.upload_id = ?",
                        uploadId);

        HooklineProcess second = instances.start(home, "kill-send-2");
        Deliveries.Summary s = finishAndVerify(
                second.api(),
                uploadId,
                "kill during sending (at " + atKill + " requests, " + unrecorded + " unrecorded)",
                t0);
        // Hundreds of chunks were claimed ahead when it died: none of those is sent twice, only the unrecorded ones.
        assertThat(s.duplicates()).as("duplicates").isLessThanOrEqualTo((int) unrecorded);
    }

    /**
     * Outcomes are written in batches that wait a little (here 400 ms, to make sure the kill lands in one): an attempt
     * whose outcome was not written when the process died is one that did not happen, as far as the database knows, so
     * its chunk may go again at once; every attempt that was written keeps its retry time across the restart.
     */
    @Test
    void killDuringRetriesResumesThemAfterTheRestart() {
        home = HooklineProcess.Home.create(CONF.copy()
                .put(
                        "delivery",
                        CONF.getJsonObject("delivery")
                                .copy()
                                .put("statusLingerMs", 400)
                                .put("statusBatchSize", 100_000)));
        HooklineProcess first = instances.start(home, "kill-retry-1");
        String template = Api.uniqueTemplate("kill-retry");
        first.api()
                .destination(
                        template,
                        new JsonObject()
                                .put("callbackUrl", sink.url())
                                .put("chunkSize", CHUNK)
                                .put("retryCount", 20)
                                .put("retryInterval", 1000)
                                .put("timeoutMs", 5000));
        deliveries.answer(r -> Sink.Reply.status(503)); // the receiver is down for a while
        long t0 = System.currentTimeMillis();
        String uploadId = post(first.api(), template, "retry-" + template);
        Await.until(
                () -> TestDb.number(
                                "SELECT count(*) FROM chunks c JOIN imports i ON i.id = c.import_id "
                                        + "WHERE i.upload_id = ? AND c.status = 'RETRYING' AND c.attempts >= 2",
                                uploadId)
                        >= PAGES / 4,
                Duration.ofSeconds(60),
                "a quarter of the pages failed twice");
        // The attempts go in waves a retry interval apart, and a wave's outcomes are written 400 ms after it: kill
        // while the receiver has seen attempts that the database has not, not in the quiet between two waves.
        Await.until(
                () -> sink.receivedFor(uploadId).size()
                        > TestDb.number(
                                "SELECT coalesce(sum(c.attempts), 0) FROM chunks c JOIN imports i ON i.id = c.import_id "
                                        + "WHERE i.upload_id = ?",
                                uploadId),
                Duration.ofSeconds(10),
                "attempts the receiver saw whose outcomes are still waiting in the batch");
        first.kill();
        long killedAt = System.currentTimeMillis();
        assertThat(TestDb.number(
                        "SELECT count(*) FROM chunks c JOIN imports i ON i.id = c.import_id "
                                + "WHERE i.upload_id = ? AND c.status = 'DELIVERED'",
                        uploadId))
                .isZero();
        // attempts recorded per page when the process died; the sink saw those, and perhaps one more per page
        Map<Integer, Long> recorded = new HashMap<>();
        for (int page = 1; page <= PAGES; page++) {
            recorded.put(page, 0L);
        }
        TestDb.rows(
                "SELECT c.page, c.attempts FROM chunks c JOIN imports i ON i.id = c.import_id WHERE i.upload_id = ?",
                row -> recorded.put(((Number) row[0]).intValue(), ((Number) row[1]).longValue()),
                uploadId);
        List<Sink.Received> beforeKill = sink.receivedFor(uploadId);
        long unrecorded = beforeKill.size()
                - recorded.values().stream().mapToLong(Long::longValue).sum();
        deliveries.answer(r -> Sink.Reply.ok()); // the receiver is back
        long backAt = System.currentTimeMillis();

        HooklineProcess second = instances.start(home, "kill-retry-2");
        finishAndVerify(second.api(), uploadId, "kill during retries", t0);
        // Per page: recorded attempts were spaced by the interval, and the first attempt after the restart came no
        // sooner than the interval after the last recorded one (its persisted retry time).
        Map<Integer, List<Long>> times = new HashMap<>();
        for (Sink.Received r : sink.receivedFor(uploadId)) {
            times.computeIfAbsent(r.page(), p -> new ArrayList<>()).add(r.atMillis());
        }
        times.forEach((page, at) -> {
            int n = recorded.get(page).intValue();
            for (int k = 1; k < n; k++) {
                assertThat(at.get(k) - at.get(k - 1))
                        .as("spacing of recorded attempts of page %d", page)
                        .isGreaterThanOrEqualTo(900);
            }
            long afterRestart =
                    at.stream().filter(t -> t > killedAt).findFirst().orElseThrow();
            if (n > 0) {
                assertThat(afterRestart - at.get(n - 1))
                        .as("page %d resumed at its persisted retry time", page)
                        .isGreaterThanOrEqualTo(900);
            }
        });
        assertThat(unrecorded)
                .as("attempts whose outcome the kill lost (the batch was waiting)")
                .isPositive();
        System.out.printf(
                "[durability] kill during retries: %d attempts unrecorded at the kill; all delivered %d ms "
                        + "after the receiver came back%n",
                unrecorded, System.currentTimeMillis() - backAt);
    }
}
