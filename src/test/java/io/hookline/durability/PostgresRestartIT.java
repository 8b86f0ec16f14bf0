package io.hookline.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.HooklineProcess;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away in the middle of a delivery and comes back: while it is down the API answers 503 at once
 * (never hangs) and /health says DOWN; delivery pauses and resumes by itself; no page is lost.
 *
 * <p>The cluster (15/main on this machine) is shared with other test runs, so the outage is kept to a few
 * seconds, the cluster is started again in a finally block whatever happens, and this class runs last.
 */
@Order(100)
class PostgresRestartIT {

    static final int RECORDS = 20_000;
    static final int CHUNK = 10;
    static final int PAGES = RECORDS / CHUNK;

    private Sink sink;
    private Deliveries deliveries;
    private HooklineProcess process;

    @BeforeEach
    void setUp() {
        sink = new Sink();
        // 50 ms a request, 16 in flight: about 6 s for the import, so the outage lands in the middle of it.
        deliveries = new Deliveries(sink).answer(r -> Sink.Reply.ok().delayed(50));
    }

    @AfterEach
    void tearDown() {
        if (process != null) {
            process.close();
        }
        sink.close();
    }

    /** Runs pg_ctlcluster as root; fails (does not skip) when the tool or the cluster is not there. */
    private static void pgCtl(String action) throws IOException, InterruptedException {
        Path tool = Path.of("/usr/bin/pg_ctlcluster");
        assertThat(Files.isExecutable(tool))
                .as("pg_ctlcluster (postgresql-common) is needed for this test")
                .isTrue();
        Process p = new ProcessBuilder(tool.toString(), "--skip-systemctl-redirect", "15", "main", action)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS))
                .as("pg_ctlcluster " + action + " finished")
                .isTrue();
        assertThat(p.exitValue())
                .as("pg_ctlcluster 15 main " + action + ": " + out)
                .isZero();
    }

    private static void assertAnswersQuickly503(Api api, String method, String path, String body) {
        long t0 = System.nanoTime();
        Api.Response r = api.send(method, path, body == null ? null : "application/json", body);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status())
                .as(method + " " + path + " while the database is down: " + r.body())
                .isEqualTo(503);
        assertThat(ms).as(method + " " + path + " answered without hanging").isLessThan(10_000);
    }

    @Test
    void deliveryPausesWhileTheDatabaseIsDownAndFinishesWhenItIsBack() throws Exception {
        process = HooklineProcess.start(HooklineProcess.Home.create(KillRestartIT.CONF), "pg-restart");
        Api api = process.api();
        String template = Api.uniqueTemplate("pg-restart");
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", CHUNK)
                        .put("timeoutMs", 5000));
        long t0 = System.currentTimeMillis();
        Api.Response posted = api.sendBytes(
                "POST", "/v1/imports", "application/json", Deliveries.importBody(template, "pg-" + template, RECORDS));
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        String uploadId = posted.json().getString("uploadId");
        Await.until(() -> deliveries.delivered(uploadId) >= PAGES / 5, Duration.ofSeconds(60), "a fifth delivered");

        long downFor;
        long stoppedAt = System.currentTimeMillis();
        long requestsAtStop;
        try {
            pgCtl("stop");
            requestsAtStop = deliveries.requests(uploadId);
            assertThat(requestsAtStop).as("the database went down mid-delivery").isLessThan(PAGES);
            assertThat(TestDb.numberOrNull("SELECT 1"))
                    .as("the database is down")
                    .isNull();
            long t = System.nanoTime();
            Api.Response health = api.get("/health");
            assertThat(health.status()).as(health.body()).isEqualTo(503);
            assertThat(health.json().getString("status")).isEqualTo("DOWN");
            assertThat((System.nanoTime() - t) / 1_000_000)
                    .as("/health answers without hanging")
                    .isLessThan(5_000);
            assertAnswersQuickly503(api, "GET", "/v1/imports/" + uploadId, null);
            assertAnswersQuickly503(
                    api,
                    "POST",
                    "/v1/imports",
                    new JsonObject()
                            .put("template", template)
                            .put("records", new JsonArray().add(new JsonObject().put("i", 0)))
                            .encode());
            assertThat(process.isAlive()).isTrue();
            // Claims stopped with the database: nothing but what was already in flight can have gone out since.
            assertThat(deliveries.requests(uploadId) - requestsAtStop)
                    .as("requests sent while the database was down")
                    .isLessThanOrEqualTo(16);
        } finally {
            pgCtl("start");
            downFor = System.currentTimeMillis() - stoppedAt;
        }
        long requestsWhenBack = deliveries.requests(uploadId);

        Await.until(() -> api.get("/health").status() == 200, Duration.ofSeconds(30), "/health to be UP again");
        JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(120));
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getJsonObject("chunks").getInteger("delivered")).isEqualTo(PAGES);
        Deliveries.Summary s = deliveries.verify(uploadId, RECORDS, CHUNK);
        // Every request the receiver answered is recorded as an attempt: outcomes waited for the database.
        assertThat(TestDb.number("SELECT count(*) FROM attempts WHERE template = ?", template))
                .isEqualTo(s.requests());
        List<String> warnings =
                process.log().lines().filter(l -> l.contains("WARN")).toList();
        System.out.printf(
                "[durability] PostgreSQL down for %d ms mid-delivery (%d requests sent when it stopped, "
                        + "%d when it was back): %d pages, %d requests, %d duplicates, %d ms in all, %d warnings logged%n",
                downFor,
                requestsAtStop,
                requestsWhenBack,
                s.pages(),
                s.requests(),
                s.duplicates(),
                System.currentTimeMillis() - t0,
                warnings.size());
    }
}
