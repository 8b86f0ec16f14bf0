package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.testing.Api;
import io.hookline.testing.Await;
import io.hookline.testing.Records;
import io.hookline.testing.Sink;
import io.hookline.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A destination that answers in 2 s, or not at all, does not slow deliveries to another one. The fast destination
 * is paced mostly by its own latency (25 ms answers, 2 at a time) rather than by the CPU, so that what is compared
 * is isolation and not the load other processes put on this machine. After a warm-up it is measured alone before
 * and after the hanging destinations run, and the lower of the two is the baseline.
 */
class IsolationTest {

  private static final long WINDOW_MS = 3_000;

  private final Api api = TestServer.shared().api();

  @Test
  void aHangingDestinationDoesNotSlowAFastOne() {
    try (Sink fast = new Sink(); Sink slow = new Sink()) {
      fast.answer(r -> Sink.Reply.ok().delayed(25));
      slow.answer(r -> Sink.Reply.ok().delayed(2_000));
      String fastTemplate = Api.uniqueTemplate("iso-fast");
      api.destination(fastTemplate, new JsonObject().put("callbackUrl", fast.url()).put("chunkSize", 1)
          .put("maxConcurrency", 2));

      deliveredInWindow(fast, fastTemplate); // warm-up: JIT, connections
      int aloneBefore = deliveredInWindow(fast, fastTemplate);

      String answersIn2s = Api.uniqueTemplate("iso-slow");
      api.destination(answersIn2s, new JsonObject().put("callbackUrl", slow.url() + "/slow").put("chunkSize", 1)
          .put("timeoutMs", 5_000));
      String timesOut = Api.uniqueTemplate("iso-timeout");
      api.destination(timesOut, new JsonObject().put("callbackUrl", slow.url() + "/timeout").put("chunkSize", 1)
          .put("timeoutMs", 500).put("retryCount", 100).put("retryInterval", 0));
      api.importRecords(answersIn2s, Records.of(200), null);
      api.importRecords(timesOut, Records.of(200), null);
      // Both slow destinations are saturated (16 requests each held open) before the fast one is measured.
      Await.until(() -> slow.maxOpenRequests() >= 32, Duration.ofSeconds(30), "both slow destinations busy");
      int beside = deliveredInWindow(fast, fastTemplate);
      assertThat(slow.received().stream().filter(r -> r.atMillis() > System.currentTimeMillis() - WINDOW_MS))
          .as("the slow destinations kept being sent to").isNotEmpty();

      api.delete("/v1/templates/" + answersIn2s + "/destination?force=true");
      api.delete("/v1/templates/" + timesOut + "/destination?force=true");
      int aloneAfter = deliveredInWindow(fast, fastTemplate);

      int alone = Math.min(aloneBefore, aloneAfter);
      System.out.printf("isolation: fast destination delivered %d alone before, %d beside two hanging ones, "
          + "%d alone after, in %d ms each%n", aloneBefore, beside, aloneAfter, WINDOW_MS);
      assertThat(alone).as("baseline").isGreaterThan(100);
      assertThat(beside).as("beside two hanging destinations").isGreaterThanOrEqualTo((int) Math.ceil(0.9 * alone));
    }
  }

  /** Posts enough pages to keep the fast destination busy and counts arrivals in a window after a warm-up. */
  private int deliveredInWindow(Sink fast, String template) {
    String uploadId = api.importRecords(template, Records.of(600), null);
    long first = Await.until(() -> fast.receivedFor(uploadId).isEmpty() ? null
        : fast.receivedFor(uploadId).get(0).atMillis(), Duration.ofSeconds(30), "the first fast request");
    long from = first + 300;
    Await.until(() -> fast.receivedFor(uploadId).stream().anyMatch(r -> r.atMillis() >= from + WINDOW_MS),
        Duration.ofSeconds(30), "the fast destination's window");
    int n = (int) fast.receivedFor(uploadId).stream()
        .filter(r -> r.atMillis() >= from && r.atMillis() < from + WINDOW_MS).count();
    api.delete("/v1/templates/" + template + "/destination?force=true");
    api.destination(template, new JsonObject().put("callbackUrl", fast.url()).put("chunkSize", 1)
        .put("maxConcurrency", 2));
    return n;
  }
}
