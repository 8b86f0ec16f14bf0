package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestDb;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-destination limits hold across instances and change live: three servers on one database (the shared test
 * server stopped), each destination sent to by one of them, its settings applied to the next request as soon as a PUT
 * is answered, wherever it was made.
 */
class LiveLimitsTest {

    private static final long PROBE_MS = 200;
    private static final List<TestServer> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestServer.stopShared();
        for (int i = 1; i <= 3; i++) {
            servers.add(TestServer.start(
                    Map.of(
                            "HOOKLINE_INSTANCE_ID",
                            "live-" + i + "-" + ProcessHandle.current().pid()),
                    new JsonObject()
                            .put(
                                    "delivery",
                                    new JsonObject()
                                            .put("circuitWindowMs", 800)
                                            .put("circuitProbeIntervalMs", PROBE_MS))));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : servers) {
            s.stop();
        }
    }

    private static Api api(int i) {
        return servers.get(i).api();
    }

    /** One import per server of {@code each} one-record pages: whichever server owns the destination sends all. */
    private static List<String> importOnEveryServer(String template, int each) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            ids.add(api(i).importRecords(template, Records.of(each), null));
        }
        return ids;
    }

    private static long firstArrival(Sink sink) {
        return Await.until(
                () -> sink.received().isEmpty() ? null : sink.received().get(0).atMillis(),
                Duration.ofSeconds(30),
                "the first request");
    }

    private static long arrivalsBetween(Sink sink, long from, long to) {
        return sink.received().stream()
                .filter(r -> r.atMillis() >= from && r.atMillis() < to)
                .count();
    }

    private static void awaitTime(long millis) {
        Await.until(
                () -> System.currentTimeMillis() >= millis,
                Duration.ofMillis(millis - System.currentTimeMillis() + 5_000),
                "the clock to pass " + millis);
    }

    @Test
    void liftingARateLimitTakesEffectAtOnce() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("lift");
            JsonObject d = new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1);
            api(0).destination(template, d.copy().put("rateLimit", 0.2));
            importOnEveryServer(template, 100);
            firstArrival(sink);
            api(1).destination(template, d); // no rateLimit: unlimited
            long liftedAt = System.currentTimeMillis();
            awaitTime(liftedAt + 5_000);
            long after = arrivalsBetween(sink, liftedAt, liftedAt + 5_000);
            System.out.printf("lift: %d requests in the 5 s after the limit of 0.2/s was lifted%n", after);
            assertThat(after).as("requests in the 5 s after the lift").isGreaterThanOrEqualTo(250);
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }

    @Test
    void raisingARateLimitTakesEffectAtOnce() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("raise");
            JsonObject d = new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1);
            api(0).destination(template, d.copy().put("rateLimit", 1));
            importOnEveryServer(template, 200);
            firstArrival(sink);
            api(2).destination(template, d.copy().put("rateLimit", 100));
            long raisedAt = System.currentTimeMillis();
            awaitTime(raisedAt + 4_000);
            // the first second may still hold the last token of the old pace
            long after = arrivalsBetween(sink, raisedAt + 1_000, raisedAt + 4_000);
            System.out.printf("raise: %d requests in 3 s at the raised limit of 100/s%n", after);
            assertThat(after)
                    .as("requests in 3 s at 100/s (1/s before the PUT)")
                    .isBetween(200L, 303L);
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }

    @Test
    void aLowerTimeoutAppliesToRequestsAlreadyWaiting() {
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.ok().delayed(120_000)); // a receiver that hangs
            String template = Api.uniqueTemplate("timeout");
            JsonObject d = new JsonObject()
                    .put("callbackUrl", sink.url())
                    .put("chunkSize", 1)
                    .put("timeoutMs", 60_000)
                    .put("retryCount", 0);
            api(0).destination(template, d);
            String uploadId = importOnEveryServer(template, 20).get(0);
            Await.until(() -> sink.received().size() >= 16, Duration.ofSeconds(30), "16 requests hanging");
            api(1).destination(template, d.copy().put("timeoutMs", 500));
            long changedAt = System.currentTimeMillis();
            String error = Await.until(
                    () -> {
                        var failed = api(2).items("/v1/imports/" + uploadId + "/attempts?failed=true");
                        return failed.isEmpty() ? null : failed.getJsonObject(0).getString("error");
                    },
                    Duration.ofSeconds(9),
                    "a failed attempt after the timeout was lowered to 500 ms");
            System.out.printf(
                    "timeout: first failed attempt %d ms after the timeout was lowered: %s%n",
                    System.currentTimeMillis() - changedAt, error);
            assertThat(error).startsWith("timeout after 500 ms");
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }

    @Test
    void aCapOfOneAdmitsOneRequestAtATimeOverThreeInstancesAndEightAfterAPut() {
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.ok().delayed(50));
            String template = Api.uniqueTemplate("cap");
            JsonObject d = new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1);
            api(0).destination(template, d.copy().put("maxConcurrency", 1));
            importOnEveryServer(template, 40);
            Await.until(() -> sink.received().size() >= 30, Duration.ofSeconds(30), "30 requests at a cap of 1");
            assertThat(sink.maxOpenRequests())
                    .as("most requests open at once at a cap of 1")
                    .isEqualTo(1);

            api(1).destination(template, d.copy().put("maxConcurrency", 8));
            sink.resetMaxOpenRequests();
            Await.until(() -> sink.maxOpenRequests() >= 8, Duration.ofSeconds(30), "8 requests open at once");
            int seen = sink.received().size();
            Await.until(() -> sink.received().size() >= seen + 40, Duration.ofSeconds(30), "40 more requests");
            System.out.printf(
                    "cap: at most 1 request open over three instances, then at most %d after the PUT%n",
                    sink.maxOpenRequests());
            assertThat(sink.maxOpenRequests())
                    .as("most requests open at once at a cap of 8")
                    .isEqualTo(8);
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }

    @Test
    void theRateLimitHoldsOverThreeInstances() {
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("rate3");
            api(0).destination(
                            template,
                            new JsonObject()
                                    .put("callbackUrl", sink.url())
                                    .put("chunkSize", 1)
                                    .put("rateLimit", 20));
            importOnEveryServer(template, 50);
            long first = firstArrival(sink);
            awaitTime(first + 4_100);
            List<Long> at = sink.received().stream()
                    .map(Sink.Received::atMillis)
                    .filter(t -> t < first + 4_000)
                    .toList();
            int[] buckets = new int[40];
            at.forEach(t -> buckets[(int) ((t - first) / 100)]++);
            int worst = 0;
            for (int i = 0; i + 10 <= buckets.length; i++) {
                worst = Math.max(worst, Arrays.stream(buckets, i, i + 10).sum());
            }
            System.out.printf(
                    "rate over three instances, rateLimit 20: %d requests in 4 s, busiest 1 s window %d%n",
                    at.size(), worst);
            assertThat(worst).as("busiest one-second window").isLessThanOrEqualTo(21);
            assertThat(at.size()).as("requests in four seconds").isGreaterThanOrEqualTo(70);
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }

    @Test
    void threeBusyDestinationsAreServedByThreeOwners() {
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.ok().delayed(100));
            List<String> templates = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String template = Api.uniqueTemplate("spread");
                templates.add(template);
                api(i).destination(
                                template,
                                new JsonObject()
                                        .put("callbackUrl", sink.url())
                                        .put("chunkSize", 1)
                                        .put("maxConcurrency", 2));
                api(i).importRecords(template, Records.of(300), null);
            }
            Set<String> owners = Await.until(
                    () -> {
                        Set<String> seen = new HashSet<>();
                        for (String t : templates) {
                            String owner = TestDb.text(
                                    "SELECT owner FROM destination_owners WHERE template = ? AND expires_at > now()",
                                    t);
                            if (owner == null) {
                                return null;
                            }
                            seen.add(owner);
                        }
                        return seen.size() == 3 ? seen : null;
                    },
                    Duration.ofSeconds(30),
                    "three busy destinations with three different owners");
            System.out.println("three busy destinations are owned by " + owners);
            templates.forEach(t -> api(0).delete("/v1/templates/" + t + "/destination?force=true"));
        }
    }

    @Test
    void anOpenCircuitIsSeenTheSameWayByEveryInstanceAndProbedAtOnePace() {
        try (Sink sink = new Sink()) {
            sink.answer(r -> Sink.Reply.status(500));
            String template = Api.uniqueTemplate("circuit3");
            api(0).destination(
                            template,
                            new JsonObject()
                                    .put("callbackUrl", sink.url())
                                    .put("chunkSize", 1)
                                    .put("retryCount", 100)
                                    .put("retryInterval", 50));
            importOnEveryServer(template, 5);
            for (int i = 0; i < 3; i++) {
                Api each = api(i);
                Await.until(
                        () -> "CIRCUIT_OPEN"
                                .equals(each.get("/v1/templates/" + template + "/destination")
                                        .json()
                                        .getString("state")),
                        Duration.ofSeconds(30),
                        "every instance to show the circuit open");
            }
            long openAt = System.currentTimeMillis();
            awaitTime(openAt + 2_000);
            long probes = arrivalsBetween(sink, openAt, openAt + 2_000);
            System.out.printf(
                    "circuit over three instances: %d requests in the 2 s after it opened (probe every %d ms)%n",
                    probes, PROBE_MS);
            assertThat(probes)
                    .as("probes in 2 s, one per interval over all instances")
                    .isLessThanOrEqualTo(2_000 / PROBE_MS + 2);
            api(0).delete("/v1/templates/" + template + "/destination?force=true");
        }
    }
}
