package io.hookline.delivery;

import java.time.Instant;

/**
 * What one HTTP attempt came to. {@code statusCode} is null when no response came, and then {@code error} says
 * why; {@code retryAfterMs} is the server's Retry-After, when it sent one.
 */
public record AttemptResult(
        Instant startedAt, int durationMs, Integer statusCode, String error, String excerpt, Long retryAfterMs) {

    public boolean succeeded() {
        return statusCode != null && statusCode >= 200 && statusCode <= 299;
    }
}
