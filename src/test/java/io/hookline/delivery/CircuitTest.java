package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The circuit: a destination failing every request for the window is paused and only probed, one chunk at a time,
 * without spending retry budget; the API says CIRCUIT_OPEN; the first success resumes it. A server of its own, with a
 * short window and probe interval, the only one sending.
 */
class CircuitTest {

    private static final long PROBE_MS = 200;

    private static TestServer server;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        TestServer.stopShared(); // the shared server's circuit window is the default 10 minutes: it must not own this
        server = TestServer.start(
                Map.of(
                        "HOOKLINE_INSTANCE_ID",
                        "circuit-" + ProcessHandle.current().pid()),
                new JsonObject()
                        .put(
                                "delivery",
                                new JsonObject()
                                        .put("circuitWindowMs", 800)
                                        .put("circuitProbeIntervalMs", PROBE_MS)
                                        .put("pollIntervalMs", 100)));
        api = server.api();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private JsonObject chunk(String uploadId, int page) {
        JsonArray items = api.items("/v1/imports/" + uploadId + "/chunks");
        return items.getJsonObject(page - 1);
    }

    @Test
    void aDestinationFailingForTheWindowIsPausedProbedAndResumed() {
        try (Sink sink = new Sink();
                Sink notify = new Sink()) {
            sink.answer(r -> Sink.Reply.status(500));
            String template = Api.uniqueTemplate("circuit");
            // A budget of 16 attempts: about 9 are spent in the 800 ms window, the probes must not spend the rest.
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("retryCount", 15)
                            .put("retryInterval", 100)
                            .put("notifyUrl", notify.url()));
            String uploadId = api.importRecords(template, Records.of(2), null);

            Await.until(
                    () -> api.importView(uploadId).getString("destinationState").equals("CIRCUIT_OPEN"),
                    Duration.ofSeconds(30),
                    "the circuit to open");
            JsonObject chunks = api.get("/v1/imports/" + uploadId + "/chunks").json();
            assertThat(chunks.getString("destinationState")).isEqualTo("CIRCUIT_OPEN");
            assertThat(api.get("/v1/templates/" + template + "/destination")
                            .json()
                            .getString("state"))
                    .isEqualTo("CIRCUIT_OPEN");
            int attemptsAtPause = sink.received().size();

            // Probes only: page 1 (the lowest due page) keeps being probed past its budget of 1 + 15 attempts.
            Await.until(
                    () -> chunk(uploadId, 1).getInteger("attempts") > 16 + 2,
                    Duration.ofSeconds(30),
                    "page 1 to be probed past its retry budget");
            long pausedFor = System.currentTimeMillis()
                    - sink.received().get(attemptsAtPause - 1).atMillis();
            int whilePaused = sink.received().size() - attemptsAtPause;
            System.out.printf(
                    "circuit: %d attempts before the pause, %d probes in %d ms while paused%n",
                    attemptsAtPause, whilePaused, pausedFor);
            assertThat(whilePaused)
                    .as("requests while paused, one per probe interval")
                    .isLessThanOrEqualTo((int) (pausedFor / PROBE_MS) + 2);
            JsonObject page1 = chunk(uploadId, 1);
            assertThat(page1.getString("status")).isEqualTo("RETRYING");
            JsonObject view = api.importView(uploadId);
            assertThat(view.getString("status")).isEqualTo("SENDING");
            assertThat(view.getJsonObject("chunks").getInteger("undelivered")).isZero();

            sink.answer(r -> Sink.Reply.ok());
            JsonObject done = api.awaitFinished(uploadId, Duration.ofSeconds(30));
            assertThat(done.getString("status")).isEqualTo("COMPLETED");
            assertThat(done.getString("destinationState")).isEqualTo("ACTIVE");
            // The failed probes are in the failure log like any other attempt: every request but the two successes.
            assertThat(api.items("/v1/imports/" + uploadId + "/attempts?failed=true&limit=1000")
                            .size())
                    .isEqualTo(sink.received().size() - 2);

            // The notifyUrl heard of it: opened (with the error that opened it), closed, and the import's end.
            Await.until(() -> notify.received().size() >= 3, Duration.ofSeconds(30), "three notices");
            List<JsonObject> notices =
                    notify.received().stream().map(Sink.Received::json).toList();
            assertThat(notices.get(0).getString("type")).isEqualTo("destination.circuit_opened");
            assertThat(notices.subList(1, 3))
                    .extracting(n -> n.getString("type"))
                    .containsExactlyInAnyOrder("destination.circuit_closed", "import.completed");
            assertThat(notices.get(0).fieldNames()).containsExactly("type", "template", "at", "lastError");
            assertThat(notices.get(0).getString("template")).isEqualTo(template);
            assertThat(notices.get(0).getString("lastError")).isEqualTo("HTTP 500");
        }
    }
}
