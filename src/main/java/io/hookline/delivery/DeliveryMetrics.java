package io.hookline.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivery meters: attempts by destination and outcome, attempt duration, chunks pending, imports by status.
 * Labels carry template codes and outcome words only, never a URL or anything secret.
 */
final class DeliveryMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> attempts = new HashMap<>();
  private final Map<String, Timer> durations = new HashMap<>();
  private final AtomicLong chunksPending = new AtomicLong();
  private final Map<String, AtomicLong> importsByStatus = new HashMap<>();

  DeliveryMetrics(String registryName) {
    MeterRegistry r = BackendRegistries.getNow(registryName);
    this.registry = r != null ? r : new SimpleMeterRegistry();
    registry.gauge("hookline_chunks_pending", chunksPending);
    for (String s : new String[] {"QUEUED", "SENDING", "COMPLETED", "PARTIALLY_DELIVERED", "FAILED"}) {
      AtomicLong n = new AtomicLong();
      importsByStatus.put(s, n);
      registry.gauge("hookline_imports", io.micrometer.core.instrument.Tags.of("status", s), n);
    }
  }

  void attempt(String template, AttemptResult r) {
    String outcome = r.succeeded() ? "delivered" : r.statusCode() != null ? "http_" + (r.statusCode() / 100) + "xx"
        : r.error() != null && r.error().startsWith("timeout") ? "timeout"
        : r.error() != null && r.error().startsWith("blocked") ? "blocked" : "network_error";
    attempts.computeIfAbsent(template + '\0' + outcome, k -> Counter.builder("hookline_attempts")
        .description("webhook attempts by destination and outcome")
        .tag("destination", template).tag("outcome", outcome).register(registry)).increment();
    durations.computeIfAbsent(template, k -> Timer.builder("hookline_attempt_duration")
        .description("time from the start of an attempt to its outcome")
        .tag("destination", template)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry)).record(Duration.ofMillis(r.durationMs()));
  }

  void chunksPending(long n) {
    chunksPending.set(n);
  }

  void imports(String status, long n) {
    AtomicLong gauge = importsByStatus.get(status);
    if (gauge != null) {
      gauge.set(n);
    }
  }
}
