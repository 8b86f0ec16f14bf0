package io.hookline.delivery;

import io.hookline.store.Destination;
import io.vertx.core.Future;
import java.util.TreeMap;

/** The sender's state for one destination: what is in flight, whether a claim is running, and retry wake-ups. */
final class DestinationQueue {

  final String template;
  int inFlight;
  boolean claiming;
  /** The last claim filled every free slot, so more chunks are probably due. */
  boolean moreDue;
  /** The destination as the last claim saw it (for its concurrency cap); null before the first claim. */
  Destination destination;
  /** Wake-up time (epoch ms) → timer id, one per distinct retry time. */
  final TreeMap<Long, Long> wakeTimers = new TreeMap<>();
  /** The pace of sends; null until the destination has a rateLimit or first pushes back (429/503). */
  DestinationLimiter limiter;
  /** Start (epoch ms) of the unbroken run of failed attempts this instance has seen; -1 after a success. */
  long failingSinceMs = -1;
  /** This instance opened the circuit, or probed it, and has not seen a success since. */
  boolean circuitOpen;
  /** Circuit writes, chained so that an open and a close never overtake each other on the pool. */
  Future<Void> circuitWrite = Future.succeededFuture();

  DestinationQueue(String template) {
    this.template = template;
  }

  int cap(int defaultMaxConcurrency) {
    return destination == null || destination.maxConcurrency() == null
        ? defaultMaxConcurrency : destination.maxConcurrency();
  }
}
