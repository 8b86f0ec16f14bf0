package io.hookline.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Delivery meters of one sender shard: attempts by destination and outcome, and attempt duration (the shards of an
 * instance add to the same meters). Labels carry template codes and outcome words only, never a URL or anything
 * secret.
 */
final class DeliveryMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> attempts = new HashMap<>();
  private final Map<String, Timer> durations = new HashMap<>();

  DeliveryMetrics(String registryName) {
    this.registry = registry(registryName);
  }

  /** The instance's Prometheus registry, or a registry of its own where there is none (tests of one part). */
  static MeterRegistry registry(String registryName) {
    MeterRegistry r = BackendRegistries.getNow(registryName);
    return r != null ? r : new SimpleMeterRegistry();
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
}
