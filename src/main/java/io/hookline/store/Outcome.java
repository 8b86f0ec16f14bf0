package io.hookline.store;

import java.time.Instant;

/**
 * The result of one HTTP attempt and the chunk state it leads to. Written only while the chunk is still leased with
 * the epoch it was claimed with, so a chunk whose lease was taken over is never recorded twice. A {@code freeAttempt}
 * is logged but does not spend the chunk's retry budget (a failed probe of a destination whose circuit is open).
 */
public record Outcome(
        long importId,
        int page,
        String template,
        long epoch,
        ChunkStatus status,
        Instant startedAt,
        int durationMs,
        Integer statusCode,
        String error,
        String responseExcerpt,
        Instant nextAttemptAt,
        boolean freeAttempt) {

    public enum ChunkStatus {
        PENDING,
        RETRYING,
        DELIVERED,
        UNDELIVERED
    }

    /** The same attempt, recorded as a failed probe: still due, budget untouched. */
    public Outcome asFreeRetry(Instant nextAt) {
        return new Outcome(
                importId,
                page,
                template,
                epoch,
                ChunkStatus.RETRYING,
                startedAt,
                durationMs,
                statusCode,
                error,
                responseExcerpt,
                nextAt,
                true);
    }
}
