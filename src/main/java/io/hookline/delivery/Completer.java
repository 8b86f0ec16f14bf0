package io.hookline.delivery;

import io.hookline.store.ChunkQueue;
import io.hookline.store.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes attempt outcomes in batches, off the request path: outcomes wait until {@code batchSize} of them are queued
 * or the oldest has waited {@code lingerMs}, whichever comes first, then go in one statement; at most
 * {@code maxInFlight} batches are written at once. {@link #submit(Outcome, boolean)} with {@code now} flushes at once
 * (an ordered destination's next page, a circuit probe wait on it).
 *
 * <p>Nothing is dropped: when the database fails, the batch goes back to the front of the queue and is tried again
 * after a pause that grows to 5 s. While the queue is over {@code limit}, or writes are failing, {@link #mayClaim()}
 * is false and the sender claims nothing more (backpressure): outcomes already known are written before more chunks
 * go out. Lives on its shard's event loop.
 */
final class Completer {

    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);

    /** Writes one batch. */
    interface Recorder {
        Future<ChunkQueue.Recorded> record(List<Outcome> batch);
    }

    private record Pending(Outcome outcome, Promise<Void> written) {}

    private final Vertx vertx;
    private final Recorder recorder;
    private final int batchSize;
    private final long lingerMs;
    private final int maxInFlight;
    private final int limit;
    private final Runnable onRoom;
    private final BiConsumer<Integer, ChunkQueue.Recorded> onWritten;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /** Batches being written now: a drain waits for them too. */
    private final List<List<Pending>> writing = new ArrayList<>();

    private boolean urgent;
    private long lingerTimer = -1;
    private long retryTimer = -1;
    private int failures;

    /**
     * {@code onRoom}: the queue has room again after it was full; {@code onWritten}: a batch of that many outcomes was
     * written, with what came of it.
     */
    Completer(
            Vertx vertx,
            Recorder recorder,
            int batchSize,
            long lingerMs,
            int maxInFlight,
            int limit,
            Runnable onRoom,
            BiConsumer<Integer, ChunkQueue.Recorded> onWritten) {
        this.vertx = vertx;
        this.recorder = recorder;
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.maxInFlight = maxInFlight;
        this.limit = limit;
        this.onRoom = onRoom;
        this.onWritten = onWritten;
    }

    /** Completes when the outcome is committed (or fenced out because its lease was lost). */
    Future<Void> submit(Outcome outcome, boolean now) {
        Promise<Void> written = Promise.promise();
        queue.add(new Pending(outcome, written));
        urgent |= now;
        flush();
        return written.future();
    }

    /** False while the queue is full or writes fail: claim nothing until then. */
    boolean mayClaim() {
        return failures == 0 && queue.size() < limit;
    }

    int queued() {
        return queue.size();
    }

    /** Completes once everything submitted so far is written. */
    Future<Void> drain() {
        List<Future<Void>> all = new ArrayList<>();
        writing.forEach(batch -> batch.forEach(p -> all.add(p.written().future())));
        queue.forEach(p -> all.add(p.written().future()));
        if (all.isEmpty()) {
            return Future.succeededFuture();
        }
        urgent = true;
        if (retryTimer != -1) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        flush();
        return Future.join(all).mapEmpty();
    }

    private void flush() {
        while (!queue.isEmpty() && writing.size() < maxInFlight && retryTimer == -1) {
            if (queue.size() < batchSize && !urgent) {
                if (lingerTimer == -1) {
                    lingerTimer = vertx.setTimer(lingerMs, id -> {
                        lingerTimer = -1;
                        urgent = true;
                        flush();
                    });
                }
                return;
            }
            write(take());
        }
    }

    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
        while (batch.size() < batchSize && !queue.isEmpty()) {
            batch.add(queue.poll());
        }
        if (queue.isEmpty()) {
            urgent = false;
            if (lingerTimer != -1) {
                vertx.cancelTimer(lingerTimer);
                lingerTimer = -1;
            }
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        boolean wasFull = !mayClaim();
        writing.add(batch);
        recorder.record(batch.stream().map(Pending::outcome).toList()).onComplete(ar -> {
            writing.remove(batch);
            if (ar.succeeded()) {
                failures = 0;
                if (ar.result().applied() < batch.size()) {
                    LOG.debug(
                            "{} of {} outcomes were not applied: their writer no longer owns the destination, or the chunk "
                                    + "was ended meanwhile",
                            batch.size() - ar.result().applied(),
                            batch.size());
                }
                batch.forEach(p -> p.written().complete());
                onWritten.accept(batch.size(), ar.result());
                flush();
                if (wasFull && mayClaim()) {
                    onRoom.run();
                }
            } else {
                // Keep the batch, in order, at the front; try again after a pause that grows to 5 s.
                for (int i = batch.size() - 1; i >= 0; i--) {
                    queue.addFirst(batch.get(i));
                }
                failures++;
                long pause = Math.min(5_000, 50L << Math.min(failures, 7));
                LOG.warn(
                        "writing {} outcomes failed ({}); retrying in {} ms",
                        batch.size(),
                        ar.cause().toString(),
                        pause);
                if (retryTimer == -1) {
                    retryTimer = vertx.setTimer(pause, id -> {
                        retryTimer = -1;
                        urgent = true;
                        flush();
                    });
                }
            }
        });
    }
}
