package io.hookline.store;

import io.hookline.format.ChunkFormat;
import io.vertx.core.buffer.Buffer;

/**
 * A chunk leased to its destination's owner, with everything the webhook request needs. {@code attempts} is how many
 * attempts were recorded before this one; {@code epoch} is the owner's epoch it was claimed with, under which its
 * outcome is written. {@code authUnreadable}: the stored auth value could not be decrypted (this instance has another
 * HOOKLINE_ENCRYPTION_KEY than the one that stored it). {@code chunkFormat}: the import's, fixed when it was accepted;
 * null for the standard body.
 */
public record ClaimedChunk(
        long importId,
        int page,
        String template,
        int records,
        int attempts,
        int budgetStart,
        long epoch,
        String uploadId,
        String webhookKey,
        long totalRecords,
        int totalPages,
        Buffer extra,
        String authValue,
        boolean authUnreadable,
        Buffer data,
        ChunkFormat chunkFormat) {

    /** Same on every attempt of this chunk, different for every chunk; never contains a dot. */
    public String webhookId() {
        return "msg_" + webhookKey + "_" + page;
    }

    /** Attempts made since the retry budget was last renewed (by acceptance or redeliver), this one included. */
    public int attemptInBudget() {
        return attempts - budgetStart + 1;
    }

    /** What holding this chunk costs in memory: its page body. */
    public int bytes() {
        return data.length();
    }
}
