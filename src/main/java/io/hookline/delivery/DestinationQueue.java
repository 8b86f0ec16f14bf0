package io.hookline.delivery;

import io.hookline.store.ClaimedChunk;
import java.util.ArrayDeque;

import io.hookline.store.Destination;
import java.util.TreeMap;

/** The sender's state for one destination: what is in flight, whether a claim is running, and retry wake-ups. */
final class DestinationQueue {

  final String template;
  int inFlight;
  /** Chunks claimed ahead (leased, not yet sent): a slot that frees up starts the next one without a round trip. */
  final ArrayDeque<ClaimedChunk> ready = new ArrayDeque<>();
  boolean claiming;
  /** The last claim filled every free slot, so more chunks are probably due. */
  boolean moreDue;
  /** The import the last claim's round robin ended on (fairness between imports goes on from there). */
  long lastImportId;
  /** The destination as the last claim saw it (for its concurrency cap); null before the first claim. */
  Destination destination;
  /** Wake-up time (epoch ms) → timer id, one per distinct retry time. */
  final TreeMap<Long, Long> wakeTimers = new TreeMap<>();
  /** The pace of sends; null until the destination has a rateLimit or first pushes back (429/503). */
  DestinationLimiter limiter;
  final DestinationCircuit circuit;

  DestinationQueue(String template, long circuitWindowMs) {
    this.template = template;
    this.circuit = new DestinationCircuit(circuitWindowMs);
  }

  int cap(int defaultMaxConcurrency) {
    return destination == null || destination.maxConcurrency() == null
        ? defaultMaxConcurrency : destination.maxConcurrency();
  }
}
