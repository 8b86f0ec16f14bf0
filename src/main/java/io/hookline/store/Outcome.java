package io.hookline.store;

import java.time.Instant;

/**
 * The result of one HTTP attempt and the chunk state it leads to. Written only under the lease token it was
 * claimed with, so a chunk whose lease was taken over is never recorded twice.
 */
public record Outcome(
    long importId,
    int page,
    String template,
    long leaseToken,
    ChunkStatus status,
    Instant startedAt,
    int durationMs,
    Integer statusCode,
    String error,
    String responseExcerpt,
    Instant nextAttemptAt) {

  public enum ChunkStatus { PENDING, RETRYING, DELIVERED, UNDELIVERED }

  public boolean delivered() {
    return status == ChunkStatus.DELIVERED;
  }
}
