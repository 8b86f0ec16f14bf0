package io.hookline.delivery;

import io.hookline.store.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes attempt outcomes in batches, off the request path: one statement per batch, one batch in flight; what
 * arrives meanwhile makes up the next batch. Nothing is dropped: when the database fails, the batch is kept and
 * tried again with a growing pause, and while the queue is over its limit {@link #hasRoom()} is false, which stops
 * the sender from claiming more (backpressure). Lives on the sender's event loop.
 */
final class StatusWriter {

  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

  private record Pending(Outcome outcome, Promise<Void> written) {}

  /** Writes one batch; answers how many outcomes were applied (the rest were fenced out). */
  interface Recorder {
    Future<Integer> record(List<Outcome> batch);
  }

  private final Vertx vertx;
  private final Recorder chunks;
  private final int batchSize;
  private final int limit;
  private final Runnable onRoom;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean flushing;
  /** The batch being written right now: drain must wait for it too, not only for what is still queued. */
  private List<Pending> writing = List.of();
  private int failures;
  private long retryTimer = -1;

  StatusWriter(Vertx vertx, Recorder chunks, int batchSize, int limit, Runnable onRoom) {
    this.vertx = vertx;
    this.chunks = chunks;
    this.batchSize = batchSize;
    this.limit = limit;
    this.onRoom = onRoom;
  }

  /** Completes when the outcome is committed (or fenced out because the lease was lost). */
  Future<Void> submit(Outcome outcome) {
    Promise<Void> written = Promise.promise();
    queue.add(new Pending(outcome, written));
    if (!flushing) {
      flush();
    }
    return written.future();
  }

  boolean hasRoom() {
    return queue.size() < limit;
  }

  /**
   * False while writes are failing: the sender claims nothing then, so that once the database is back the
   * outcomes already known are written before more chunks go out.
   */
  boolean healthy() {
    return failures == 0;
  }

  int queued() {
    return queue.size();
  }

  /** Completes once everything queued so far is written, or when {@code timeoutMs} passes. */
  Future<Void> drain(long timeoutMs) {
    if (queue.isEmpty() && !flushing) {
      return Future.succeededFuture();
    }
    List<Future<Void>> all = new ArrayList<>();
    writing.forEach(p -> all.add(p.written().future()));
    queue.forEach(p -> all.add(p.written().future()));
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
      flush();
    }
    return Future.join(all).<Void>mapEmpty().timeout(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void flush() {
    if (queue.isEmpty()) {
      flushing = false;
      return;
    }
    flushing = true;
    List<Pending> batch = new ArrayList<>(Math.min(batchSize, queue.size()));
    while (batch.size() < batchSize && !queue.isEmpty()) {
      batch.add(queue.poll());
    }
    boolean wasFull = !hasRoom();
    writing = batch;
    chunks.record(batch.stream().map(Pending::outcome).toList()).onComplete(ar -> {
      writing = List.of();
      if (ar.succeeded()) {
        boolean recovered = failures > 0;
        failures = 0;
        if (ar.result() < batch.size()) {
          LOG.debug("{} of {} outcomes were fenced out: their lease had passed to another claim",
              batch.size() - ar.result(), batch.size());
        }
        batch.forEach(p -> p.written().complete());
        flush();
        if ((wasFull || recovered) && hasRoom()) {
          onRoom.run();
        }
      } else {
        // Keep the batch, in order, at the front; try again after a pause that grows to 5 s.
        for (int i = batch.size() - 1; i >= 0; i--) {
          queue.addFirst(batch.get(i));
        }
        failures++;
        long pause = Math.min(5_000, 50L << Math.min(failures, 7));
        LOG.warn("writing {} outcomes failed ({}); retrying in {} ms", batch.size(), ar.cause().toString(), pause);
        retryTimer = vertx.setTimer(pause, id -> {
          retryTimer = -1;
          flush();
        });
      }
    });
  }
}
