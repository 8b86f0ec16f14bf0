package io.hookline.store;

import java.time.Instant;

/**
 * An import as stored: what the API shows of it and the body digest the idempotency check compares.
 * {@code destinationState} is read from the destination's row (ACTIVE, PAUSED or CIRCUIT_OPEN; ACTIVE once the
 * destination is deleted), so every instance answers the same.
 */
public record StoredImport(
        long id,
        String uploadId,
        String template,
        String status,
        long totalRecords,
        int totalPages,
        int chunksDelivered,
        int chunksUndelivered,
        Instant createdAt,
        Instant completedAt,
        String destinationState,
        byte[] bodySha256) {

    public int chunksPending() {
        return totalPages - chunksDelivered - chunksUndelivered;
    }
}
