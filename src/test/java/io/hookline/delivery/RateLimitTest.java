package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** rateLimit: a smooth pace, never a burst over the limit in any one-second window, one instance or two. */
class RateLimitTest {

    @Test
    void noOneSecondWindowCarriesMoreThanTheLimitPlusOne() {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) {
            sendAtLimit20AndCheckWindows(api, sink, "rate");
        }
    }

    @Test
    void theLimitHoldsOverTwoInstancesOnOneDatabase() throws Exception {
        TestServer.shared(); // both poll the database and see the same work
        TestServer second = TestServer.start(Map.of(
                "HOOKLINE_INSTANCE_ID", "rate-second-" + ProcessHandle.current().pid()));
        try (Sink sink = new Sink()) {
            sendAtLimit20AndCheckWindows(second.api(), sink, "rate2");
        } finally {
            second.stop();
        }
    }

    private static void sendAtLimit20AndCheckWindows(Api api, Sink sink, String prefix) {
        String template = Api.uniqueTemplate(prefix);
        api.destination(
                template,
                new JsonObject()
                        .put("callbackUrl", sink.url())
                        .put("chunkSize", 1)
                        .put("rateLimit", 20));
        api.importRecords(template, Records.of(200), null);

        // Three seconds of sending, counted from the first arrival.
        long first = Await.until(
                () -> sink.received().isEmpty() ? null : sink.received().get(0).atMillis(),
                Duration.ofSeconds(30),
                "the first request");
        Await.until(
                () -> System.currentTimeMillis() >= first + 3_100, Duration.ofSeconds(30), "three seconds of requests");
        List<Long> at = sink.received().stream()
                .map(Sink.Received::atMillis)
                .filter(t -> t < first + 3_000)
                .toList();

        // Requests per 100 ms bucket; every run of ten buckets is a one-second window.
        int[] buckets = new int[30];
        at.forEach(t -> buckets[(int) ((t - first) / 100)]++);
        int worst = 0;
        for (int i = 0; i + 10 <= buckets.length; i++) {
            worst = Math.max(worst, Arrays.stream(buckets, i, i + 10).sum());
        }
        // The first request opens the connection, so it can arrive late and close to the second: the "+1".
        System.out.println("first arrivals (ms): "
                + at.subList(0, 8).stream().map(t -> t - first).toList());
        System.out.printf(
                "%s, rateLimit 20: %d requests in 3 s, busiest 1 s window %d, per 100 ms: %s%n",
                prefix, at.size(), worst, Arrays.toString(buckets));
        assertThat(worst).as("busiest one-second window").isLessThanOrEqualTo(21);
        assertThat(at.size()).as("requests in three seconds").isGreaterThanOrEqualTo(50);
        api.delete("/v1/templates/" + template + "/destination?force=true");
    }
}
