package io.hookline.delivery;

import io.hookline.store.ClaimedChunk;
import io.hookline.store.Destination;
import io.hookline.store.Outcome;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an attempt into the chunk's next state: DELIVERED on a 2xx; otherwise RETRYING after the destination's wait
 * while its budget of {@code 1 + retryCount} attempts lasts, else UNDELIVERED. A status in
 * {@code noRetryStatuses} is final at once. A 429 or 503 with Retry-After waits at least that long (capped).
 */
final class RetryPolicy {

    private final long maxRetryAfterMs;

    RetryPolicy(long maxRetryAfterMs) {
        this.maxRetryAfterMs = maxRetryAfterMs;
    }

    Outcome decide(Destination d, ClaimedChunk c, AttemptResult r, String template) {
        Outcome.ChunkStatus status;
        Instant nextAt = null;
        if (r.succeeded()) {
            status = Outcome.ChunkStatus.DELIVERED;
        } else if (r.statusCode() != null && d.noRetryStatuses().contains(r.statusCode())) {
            status = Outcome.ChunkStatus.UNDELIVERED;
        } else if (c.attemptInBudget() <= d.retryCount()) {
            status = Outcome.ChunkStatus.RETRYING;
            Instant failedAt = r.startedAt().plusMillis(r.durationMs());
            nextAt = failedAt.plusMillis(delayMs(d, c.attemptInBudget(), r));
        } else {
            status = Outcome.ChunkStatus.UNDELIVERED;
        }
        return new Outcome(
                c.importId(),
                c.page(),
                template,
                c.epoch(),
                status,
                r.startedAt(),
                r.durationMs(),
                r.statusCode(),
                r.error(),
                r.excerpt(),
                nextAt,
                false);
    }

    /** The wait after failed attempt number {@code attempt} (1-based within the budget). */
    long delayMs(Destination d, int attempt, AttemptResult r) {
        long wait = d.retryIntervalMs();
        if (d.retryBackoff() == Destination.RetryBackoff.EXPONENTIAL) {
            double base = d.retryIntervalMs() * Math.pow(2, Math.min(attempt - 1, 40));
            double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
            wait = (long) Math.min(base * jitter, d.maxRetryIntervalMs());
        }
        Integer code = r.statusCode();
        if (code != null && (code == 429 || code == 503) && r.retryAfterMs() != null) {
            wait = Math.max(wait, Math.min(r.retryAfterMs(), maxRetryAfterMs));
        }
        return wait;
    }
}
