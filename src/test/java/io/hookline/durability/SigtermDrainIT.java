package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Instances;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** SIGTERM drains: no new claims, requests in flight finish or are released, outcomes written, exit code 0. */
@Order(3)
class SigtermDrainIT {

    static final int RECORDS = 2_000;
    static final int CHUNK = 10;
    static final int PAGES = RECORDS / CHUNK;

    private final Instances instances = new Instances();
    private Sink sink;
    private Deliveries deliveries;

    @BeforeEach
    void setUp() {
        sink = new Sink();
        deliveries = new Deliveries(sink);
    }

    @AfterEach
    void tearDown() {
        instances.close();
        sink.close();
    }

    private static HooklineProcess.Home home(long graceMs) {
        return HooklineProcess.Home.create(new JsonObject()
                .put("delivery", new JsonObject().put("leaseSeconds", 3).put("pollIntervalMs", 200))
                .put("shutdown", new JsonObject().put("graceMs", graceMs)));
    }

    private String startSending(HooklineProcess p, String template, long replyDelayMs) {
        p.api()
                .destination(
                        template,
                        new JsonObject()
                                .put("callbackUrl", sink.url())
                                .put("chunkSize", CHUNK)
                                .put("maxConcurrency", 8)
                                .put("timeoutMs", 30_000));
        deliveries.answer(r -> Sink.Reply.ok().delayed(replyDelayMs));
        Api.Response r = p.api()
                .sendBytes(
                        "POST",
                        "/v1/imports",
                        "application/json",
                        Deliveries.importBody(template, "term-" + template, RECORDS));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String uploadId = r.json().getString("uploadId");
        Await.until(() -> deliveries.requests(uploadId) >= 8, Duration.ofSeconds(30), "8 requests in flight");
        return uploadId;
    }

    private static long owned(HooklineProcess p) {
        return TestDb.number("SELECT count(*) FROM destination_owners WHERE owner = ?", p.instanceId());
    }

    private static long chunks(String uploadId, String where) {
        return TestDb.number(
                "SELECT count(*) FROM chunks c JOIN imports i ON i.id = c.import_id " + "WHERE i.upload_id = ? AND "
                        + where,
                uploadId);
    }

    @Test
    void requestsInFlightFinishWithinTheGraceAndTheirOutcomesAreWritten() {
        HooklineProcess p = instances.start(home(10_000), "term-finish");
        String template = Api.uniqueTemplate("term-finish");
        String uploadId = startSending(p, template, 1_500);
        long t0 = System.currentTimeMillis();
        int exit = p.terminate(Duration.ofSeconds(30));
        long took = System.currentTimeMillis() - t0;

        assertThat(exit).as("exit code after SIGTERM\n" + p.log()).isZero();
        assertThat(p.log()).contains("stopped");
        assertThat(owned(p))
                .as("destinations left owned by the stopped instance")
                .isZero();
        // Every request the receiver saw was answered within the grace, and its outcome is in the database.
        long sent = deliveries.requests(uploadId);
        assertThat(chunks(uploadId, "c.status = 'DELIVERED'")).isEqualTo(sent);
        assertThat(chunks(uploadId, "c.status = 'PENDING' AND c.attempts = 0")).isEqualTo(PAGES - sent);
        System.out.printf(
                "[durability] SIGTERM with %d requests in flight: exit %d after %d ms, all recorded%n",
                sent, exit, took);
    }

    @Test
    void requestsStillInFlightAfterTheGraceAreReleasedAndSentAtOnceByTheNextStart() {
        HooklineProcess.Home home = home(1_000);
        HooklineProcess p = instances.start(home, "term-release-1");
        String template = Api.uniqueTemplate("term-release");
        String uploadId = startSending(p, template, 5_000);
        long t0 = System.currentTimeMillis();
        int exit = p.terminate(Duration.ofSeconds(30));
        long took = System.currentTimeMillis() - t0;

        assertThat(exit).as("exit code after SIGTERM\n" + p.log()).isZero();
        assertThat(p.log()).contains("stopped").contains("releasing");
        assertThat(took).as("the drain keeps to the grace period").isLessThan(5_000);
        assertThat(owned(p))
                .as("destinations left owned by the stopped instance")
                .isZero();
        assertThat(chunks(uploadId, "c.status = 'DELIVERED'")).isZero();

        // The destination was given back: the next start takes it, and sends its chunks, at once.
        deliveries.answer(r -> Sink.Reply.ok());
        HooklineProcess next = instances.start(home, "term-release-2");
        JsonObject done = next.api().awaitFinished(uploadId, Duration.ofSeconds(60));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        System.out.printf(
                "[durability] SIGTERM past the grace: exit %d after %d ms, released and resent; "
                        + "%d requests for %d pages%n",
                exit, took, s.requests(), s.pages());
    }
}
