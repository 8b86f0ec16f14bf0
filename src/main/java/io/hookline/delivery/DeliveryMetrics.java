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
    private final Map<String, Counter> notices = new HashMap<>();

    private final Counter written;
    private final Counter fenced;

    DeliveryMetrics(String registryName) {
        this.registry = registry(registryName);
        this.written = Counter.builder("hookline_outcomes")
                .tag("result", "written")
                .description("attempt outcomes written to the database, and fenced out")
                .register(registry);
        this.fenced = Counter.builder("hookline_outcomes")
                .tag("result", "fenced")
                .description("attempt outcomes written to the database, and fenced out")
                .register(registry);
    }

    /** The instance's Prometheus registry, or a registry of its own where there is none (tests of one part). */
    static MeterRegistry registry(String registryName) {
        MeterRegistry r = BackendRegistries.getNow(registryName);
        return r != null ? r : new SimpleMeterRegistry();
    }

    /**
     * Outcomes written, and fenced out: an outcome is fenced out when its writer no longer owns the destination (a
     * stale owner) or the chunk was ended meanwhile (a forced delete).
     */
    void outcomes(int applied, int fenced) {
        written.increment(applied);
        if (fenced > 0) {
            this.fenced.increment(fenced);
        }
    }

    /** A notice's attempt: counted apart from the chunks' attempts. */
    void notice(String template, AttemptResult r) {
        String outcome = r.succeeded() ? "delivered" : "failed";
        notices.computeIfAbsent(
                        template + '\0' + outcome,
                        k -> Counter.builder("hookline_notices")
                                .description("notice attempts by destination and outcome")
                                .tag("destination", template)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    void attempt(String template, AttemptResult r) {
        String outcome = r.succeeded()
                ? "delivered"
                : r.statusCode() != null
                        ? "http_" + (r.statusCode() / 100) + "xx"
                        : r.error() != null && r.error().startsWith("timeout")
                                ? "timeout"
                                : r.error() != null && r.error().startsWith("blocked") ? "blocked" : "network_error";
        attempts.computeIfAbsent(
                        template + '\0' + outcome,
                        k -> Counter.builder("hookline_attempts")
                                .description("webhook attempts by destination and outcome")
                                .tag("destination", template)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
        durations
                .computeIfAbsent(
                        template,
                        k -> Timer.builder("hookline_attempt_duration")
                                .description("time from the start of an attempt to its outcome")
                                .tag("destination", template)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofMinutes(5))
                                .register(registry))
                .record(Duration.ofMillis(r.durationMs()));
    }
}
