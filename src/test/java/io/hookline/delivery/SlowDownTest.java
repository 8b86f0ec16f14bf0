package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 429 with Retry-After slows the whole destination down, not just the chunk that got it. */
class SlowDownTest {

    @Test
    void a429HalvesTheDestinationsRate() {
        Api api = TestServer.shared().api();
        try (Sink sink = new Sink()) {
            String template = Api.uniqueTemplate("slowdown");
            api.destination(
                    template,
                    new JsonObject()
                            .put("callbackUrl", sink.url())
                            .put("chunkSize", 1)
                            .put("rateLimit", 20)
                            .put("retryCount", 1));
            sink.answer(r -> r.seq() == 20 ? Sink.Reply.status(429).withHeader("Retry-After", "1") : Sink.Reply.ok());
            String uploadId = api.importRecords(template, Records.of(200), null);

            Sink.Received throttled = Await.until(
                    () -> sink.received().size() < 20 ? null : sink.received().get(19),
                    Duration.ofSeconds(30),
                    "the 429");
            long from = throttled.atMillis() + 100; // requests already let through before the answer came
            Await.until(
                    () -> sink.received().stream().anyMatch(r -> r.atMillis() >= from + 1_000),
                    Duration.ofSeconds(30),
                    "a second after the 429");
            List<Sink.Received> after = sink.received().stream()
                    .filter(r -> r.atMillis() >= from && r.atMillis() < from + 1_000)
                    .toList();
            System.out.printf("slow-down: %d requests in the second after a 429 (limit 20)%n", after.size());
            // Halved to 10/s, plus 2/s of recovery, plus one for rounding; unslowed it would be 20.
            assertThat(after.size()).isBetween(5, 13);
            // The throttled chunk itself waited the Retry-After.
            String id = throttled.header("webhook-id");
            Sink.Received retry = Await.until(
                    () -> sink.received().stream()
                            .filter(r -> r.seq() > throttled.seq() && id.equals(r.header("webhook-id")))
                            .findFirst()
                            .orElse(null),
                    Duration.ofSeconds(30),
                    "the retry of the throttled chunk");
            assertThat(retry.atMillis() - throttled.atMillis()).isGreaterThanOrEqualTo(1_000 - 30);
            api.delete("/v1/templates/" + template + "/destination?force=true");
            assertThat(uploadId).isNotNull();
        }
    }
}
