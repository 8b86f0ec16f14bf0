package io.hookline.delivery;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One destination's circuit as this instance sees it. It opens when every attempt this instance made failed for the
 * circuit window, and closes on the first success (a probe's, or a late answer to a request already in flight).
 * The state everyone reads is the destination row; this class only decides when to write it.
 */
final class DestinationCircuit {

    enum Change {
        NONE,
        OPEN,
        CLOSE
    }

    private final long windowMs;
    /** Start (epoch ms) of the unbroken run of failed attempts; -1 after a success. */
    private long failingSinceMs = -1;
    /** This instance opened the circuit, or probed it, and has not seen a success since. */
    private boolean open;
    /** The error of the last failed attempt: what the circuit notices say. */
    private String lastError;
    /** Circuit writes, chained so that an open and a close never overtake each other on the pool. */
    private Future<Void> writes = Future.succeededFuture();

    DestinationCircuit(long windowMs) {
        this.windowMs = windowMs;
    }

    /** Open as far as this instance knows (it opened it, or a probe it made found it open). */
    boolean open() {
        return open;
    }

    /** The circuit is open (found so in the database, or opened here): the next success closes it. */
    void probing() {
        open = true;
    }

    /** New settings (a corrected URL): earlier failures say nothing about the new target. */
    void reset() {
        failingSinceMs = -1;
    }

    String lastError() {
        return lastError;
    }

    long failingForMs(long nowMs) {
        return failingSinceMs < 0 ? 0 : nowMs - failingSinceMs;
    }

    /** An attempt's outcome, and what to write about it. */
    Change record(boolean probe, AttemptResult r) {
        if (r.succeeded()) {
            failingSinceMs = -1;
            if (probe || open) {
                open = false;
                return Change.CLOSE;
            }
            return Change.NONE;
        }
        lastError = r.error();
        if (probe) {
            return Change.NONE;
        }
        long endMs = r.startedAt().toEpochMilli() + r.durationMs();
        if (failingSinceMs < 0) {
            failingSinceMs = r.startedAt().toEpochMilli();
        } else if (!open && endMs - failingSinceMs >= windowMs) {
            open = true;
            return Change.OPEN;
        }
        return Change.NONE;
    }

    /** Runs {@code write} after the previous circuit write, whatever came of it. */
    Future<Void> write(Supplier<Future<Void>> write) {
        writes = writes.transform(prev -> write.get());
        return writes;
    }
}
