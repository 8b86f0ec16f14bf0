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

/** rateLimit: a smooth pace, never a burst over the limit in any one-second window. */
class RateLimitTest {

  @Test
  void noOneSecondWindowCarriesMoreThanTheLimitPlusOne() {
    Api api = TestServer.shared().api();
    try (Sink sink = new Sink()) {
      String template = Api.uniqueTemplate("rate");
      api.destination(template, new JsonObject().put("callbackUrl", sink.url()).put("chunkSize", 1)
          .put("rateLimit", 20));
      String uploadId = api.importRecords(template, Records.of(200), null);

      // Three seconds of sending, counted from the first arrival.
      long first = Await.until(() -> sink.received().isEmpty() ? null : sink.received().get(0).atMillis(),
          Duration.ofSeconds(30), "the first request");
      Await.until(() -> sink.received().stream().anyMatch(r -> r.atMillis() >= first + 3_000),
          Duration.ofSeconds(30), "three seconds of requests");
      List<Long> at = sink.received().stream().map(Sink.Received::atMillis)
          .filter(t -> t < first + 3_000).toList();

      // Requests per 100 ms bucket; every run of ten buckets is a one-second window.
      int[] buckets = new int[30];
      at.forEach(t -> buckets[(int) ((t - first) / 100)]++);
      int worst = 0;
      for (int i = 0; i + 10 <= buckets.length; i++) {
        int n = 0;
        for (int j = i; j < i + 10; j++) {
          n += buckets[j];
        }
        worst = Math.max(worst, n);
      }
      System.out.printf("rateLimit 20: %d requests in 3 s, busiest 1 s window %d, per 100 ms: %s%n", at.size(), worst,
          java.util.Arrays.toString(buckets));
      assertThat(worst).as("busiest one-second window").isLessThanOrEqualTo(21);
      assertThat(at.size()).as("requests in three seconds").isGreaterThanOrEqualTo(50);
      api.delete("/v1/templates/" + template + "/destination?force=true");
      assertThat(uploadId).isNotNull();
    }
  }
}
