package io.hookline.delivery;

import io.hookline.bus.Addresses;
import io.hookline.config.HooklineConfig;
import io.hookline.store.ChunkRepository;
import io.hookline.store.CircuitRepository;
import io.hookline.store.Claim;
import io.hookline.store.ClaimedChunk;
import io.hookline.store.Destination;
import io.hookline.store.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers chunks. Postgres is the queue: for each destination with due work, the sender claims as many chunks as
 * the destination has free request slots (a leased batch, one statement), sends them, and claims again as slots
 * free up. Outcomes go to the {@link StatusWriter}; a retry is a timer set for the chunk's persisted
 * {@code next_attempt_at}, so after a restart the poll finds it on time anyway.
 *
 * <p>Work is found three ways: a message from the chunker or the API the moment there is new work, the retry
 * timers, and a poll every {@code delivery.pollIntervalMs} (work of other instances, expired leases, restarts).
 */
public final class SenderVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SenderVerticle.class);

  private final HooklineConfig config;
  private final ChunkRepository chunks;
  private final WebhookClient client;
  private final CircuitRepository circuits;
  private final Map<String, DestinationQueue> queues = new HashMap<>();
  /** Lease tokens of chunks this instance holds and has not yet recorded an outcome for. */
  private final Set<Long> leased = new HashSet<>();
  /** Leases taken by a claim that came back after stop() began: never used, given back with the rest. */
  private final Set<Long> unused = new HashSet<>();
  private int claimsRunning;
  private final List<Promise<Void>> idleWaiters = new ArrayList<>();
  private RetryPolicy retryPolicy;
  private StatusWriter statusWriter;
  private DeliveryMetrics metrics;
  private MessageConsumer<String> workConsumer;
  private long pollTimer;
  private long gaugeTimer;
  private long renewTimer;
  private boolean renewing;
  private boolean polling;
  private boolean stopping;

  public SenderVerticle(HooklineConfig config, ChunkRepository chunks, CircuitRepository circuits,
      WebhookClient client) {
    this.config = config;
    this.chunks = chunks;
    this.circuits = circuits;
    this.client = client;
  }

  @Override
  public Future<?> start() {
    HooklineConfig.Delivery d = config.delivery();
    retryPolicy = new RetryPolicy(d.maxRetryAfterMs());
    statusWriter = new StatusWriter(vertx, chunks::record, d.statusBatchSize(), d.statusQueueLimit(),
        this::wakeAllWithWork);
    metrics = new DeliveryMetrics(config.instanceId());
    workConsumer = vertx.eventBus().localConsumer(Addresses.WORK, msg -> wake(msg.body()));
    pollTimer = vertx.setPeriodic(0, d.pollIntervalMs(), id -> poll());
    gaugeTimer = vertx.setPeriodic(1_000, 10_000, id -> refreshGauges());
    long renewEvery = Math.max(100, d.leaseSeconds() * 1000L / 3);
    renewTimer = vertx.setPeriodic(renewEvery, renewEvery, id -> renewLeases());
    return workConsumer.completion();
  }

  private void poll() {
    if (polling || stopping) {
      return;
    }
    polling = true;
    chunks.dueTemplates().onComplete(ar -> {
      polling = false;
      if (ar.succeeded()) {
        ar.result().forEach(this::wake);
      } else {
        LOG.warn("looking for due chunks failed: {}", ar.cause().toString());
      }
    });
  }

  /**
   * Heartbeat: a third of a lease after another, the leases still held are extended in one statement. A lease
   * therefore never runs out under a slow request or a slow status write while this process lives, and
   * {@code delivery.leaseSeconds} is how long a dead process's chunks stay blocked.
   */
  private void renewLeases() {
    if (renewing || leased.isEmpty()) {
      return;
    }
    renewing = true;
    chunks.renew(config.instanceId(), List.copyOf(leased), config.delivery().leaseSeconds()).onComplete(ar -> {
      renewing = false;
      if (ar.failed()) {
        LOG.warn("renewing {} leases failed: {}", leased.size(), ar.cause().toString());
      }
    });
  }

  private void refreshGauges() {
    chunks.counts().onSuccess(counts -> counts.forEach((k, n) -> {
      if (k.equals("CHUNKS_PENDING")) {
        metrics.chunksPending(n);
      } else {
        metrics.imports(k, n);
      }
    }));
  }

  private void wake(String template) {
    claim(queues.computeIfAbsent(template, t -> new DestinationQueue(t, config.delivery().circuitWindowMs())));
  }

  private void wakeAllWithWork() {
    queues.values().stream().filter(q -> q.moreDue).toList().forEach(this::claim);
  }

  private void claim(DestinationQueue q) {
    if (stopping || q.claiming || !statusWriter.hasRoom() || !statusWriter.healthy()) {
      return; // a running claim, a completion or the writer's onRoom calls again
    }
    HooklineConfig.Delivery cfg = config.delivery();
    // Where nothing paces the sends (no rate limit, circuit closed), claim one cap's worth ahead, so a request
    // that finishes starts the next at once instead of waiting for a claim's round trip.
    int ahead = q.limiter == null && !q.circuit.open() ? 2 : 1;
    int held = q.inFlight + q.ready.size();
    int free = ahead * q.cap(cfg.defaultMaxConcurrency()) - held;
    if (free <= 0) {
      return;
    }
    // A rate-limited destination gets about a second of tokens per claim, so no claimed chunk waits long.
    int want = q.limiter == null ? free : Math.min(free, q.limiter.batch());
    q.claiming = true;
    claimsRunning++;
    chunks.claim(new ChunkRepository.ClaimRequest(q.template, config.instanceId(), want, cfg.leaseSeconds(),
        held, cfg.defaultMaxConcurrency(), cfg.destinationLeaseMs(), cfg.circuitProbeIntervalMs(),
        q.lastImportId, ahead))
        .onComplete(ar -> {
          q.claiming = false;
          claimsRunning--;
          if (ar.failed()) {
            LOG.warn("claiming chunks for {} failed: {}", q.template, ar.cause().toString());
            checkIdle();
            return; // the poll tries again
          }
          Claim claim = ar.result();
          List<ClaimedChunk> claimed = claim.chunks();
          if (claim.destination() != null) {
            settings(q, claim.destination());
          }
          // Everything asked for (as far as the destination's own cap allowed) came: more is probably due.
          int asked = Math.min(want, ahead * q.cap(cfg.defaultMaxConcurrency()) - held);
          q.moreDue = !claim.probe() && !claimed.isEmpty() && claimed.size() >= asked;
          if (stopping) {
            claimed.forEach(c -> unused.add(c.leaseToken()));
            checkIdle();
            return;
          }
          if (claim.probe()) {
            q.circuit.probing();
          }
          q.lastImportId = lastServed(claimed, q.lastImportId);
          claimed.forEach(c -> leased.add(c.leaseToken()));
          if (claim.probe()) {
            claimed.forEach(c -> attempt(q, claim.destination(), c, true));
          } else {
            q.ready.addAll(claimed);
            dispatch(q);
          }
          // Slots that freed up while this claim ran could not claim (one claim at a time): refill now.
          if (q.moreDue) {
            claim(q);
          }
        });
  }

  /** The destination as this claim saw it: cap, rate limit, and a fresh failure count after a new URL. */
  private void settings(DestinationQueue q, Destination d) {
    if (q.destination != null && !q.destination.callbackUrl().equals(d.callbackUrl())) {
      q.circuit.reset();
    }
    q.destination = d;
    if (q.limiter == null && d.rateLimit() != null) {
      q.limiter = new DestinationLimiter(vertx, System.nanoTime());
    }
    if (q.limiter != null) {
      q.limiter.configure(d.rateLimit(), System.nanoTime());
    }
  }

  /** Starts claimed chunks while the destination has free request slots. */
  private void dispatch(DestinationQueue q) {
    int cap = q.cap(config.delivery().defaultMaxConcurrency());
    while (q.inFlight < cap && !q.ready.isEmpty()) {
      attempt(q, q.destination, q.ready.poll(), false);
    }
  }

  private void attempt(DestinationQueue q, Destination d, ClaimedChunk c, boolean probe) {
    q.inFlight++;
    Future<Void> turn = q.limiter == null ? Future.succeededFuture() : q.limiter.acquire(System.nanoTime());
    turn.compose(v -> client.send(d, c)).onComplete(ar -> {
      AttemptResult r = ar.result();
      q.inFlight--;
      metrics.attempt(q.template, r);
      pace(q, r);
      Outcome outcome = retryPolicy.decide(d, c, r, q.template);
      if (probe && !r.succeeded()) {
        outcome = outcome.asFreeRetry(java.time.Instant.now()); // claimable again, but only as the next probe
      }
      circuit(q, probe, r);
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} page {} attempt {}: {} → {}{}", c.uploadId(), c.page(), c.attempts() + 1,
            r.statusCode() != null ? r.statusCode() : r.error(), outcome.status(), probe ? " (probe)" : "");
      }
      Outcome recorded = outcome;
      statusWriter.submit(recorded).onComplete(w -> {
        leased.remove(c.leaseToken());
        if (recorded.nextAttemptAt() != null) {
          scheduleWake(q, recorded.nextAttemptAt().toEpochMilli());
        }
        checkIdle();
      });
      dispatch(q);
      if (q.moreDue) {
        claim(q);
      }
    });
  }

  /**
   * The import the claim's round robin ended on. The claim orders imports after {@code previous} first, then
   * wraps around to those at or below it; the last one in that order is where the next claim goes on.
   */
  private static long lastServed(List<ClaimedChunk> claimed, long previous) {
    long maxWrapped = -1;
    long maxAbove = -1;
    for (ClaimedChunk c : claimed) {
      if (c.importId() <= previous) {
        maxWrapped = Math.max(maxWrapped, c.importId());
      } else {
        maxAbove = Math.max(maxAbove, c.importId());
      }
    }
    return maxWrapped >= 0 ? maxWrapped : maxAbove >= 0 ? maxAbove : previous;
  }

  /** AIMD: a 429/503 with Retry-After slows the whole destination down; successes speed it up again. */
  private void pace(DestinationQueue q, AttemptResult r) {
    Integer code = r.statusCode();
    long now = System.nanoTime();
    if (q.limiter != null) {
      q.limiter.answered(now);
    }
    if (code != null && (code == 429 || code == 503) && r.retryAfterMs() != null) {
      if (q.limiter == null) {
        q.limiter = new DestinationLimiter(vertx, now);
      }
      q.limiter.throttled(now);
      LOG.info("{} asked to slow down ({}): now at most {} requests/s", q.template, code,
          String.format("%.2f", q.limiter.rate()));
    } else if (r.succeeded() && q.limiter != null) {
      q.limiter.succeeded(now);
    }
  }

  /**
   * The circuit: a destination that failed every attempt for {@code circuitWindowMs} is paused (only probes are
   * claimed); the first success resumes it, and its waiting chunks are claimed at once.
   */
  private void circuit(DestinationQueue q, boolean probe, AttemptResult r) {
    long probeMs = config.delivery().circuitProbeIntervalMs();
    switch (q.circuit.record(probe, r)) {
      case OPEN -> {
        LOG.warn("{} failed every attempt for {} ms: circuit open, probing every {} ms", q.template,
            q.circuit.failingForMs(r.startedAt().toEpochMilli() + r.durationMs()), probeMs);
        q.circuit.write(() -> circuits.open(q.template, probeMs)).onFailure(err -> circuitWriteFailed(q, err));
        giveBack(q); // chunks claimed ahead wait for the circuit to close like the others
      }
      case CLOSE -> {
        LOG.info("{} answered again: circuit closed, deliveries resume", q.template);
        q.circuit.write(() -> circuits.close(q.template)).onSuccess(v -> claim(q))
            .onFailure(err -> circuitWriteFailed(q, err));
      }
      case NONE -> { }
    }
  }

  private static void circuitWriteFailed(DestinationQueue q, Throwable err) {
    LOG.warn("writing the circuit state of {} failed: {}", q.template, err.toString());
  }

  /** Releases the chunks claimed ahead of a destination that will not send them now. */
  private void giveBack(DestinationQueue q) {
    List<Long> tokens = q.ready.stream().map(ClaimedChunk::leaseToken).toList();
    q.ready.clear();
    tokens.forEach(leased::remove);
    chunks.release(config.instanceId(), tokens)
        .onFailure(err -> LOG.warn("releasing {} leases failed ({}); they expire in {} s", tokens.size(),
            err.toString(), config.delivery().leaseSeconds()));
  }

  /** While stopping: idle once no claim is running and every request's outcome is written. */
  private void checkIdle() {
    if (stopping && claimsRunning == 0 && leased.isEmpty()) {
      idleWaiters.forEach(Promise::tryComplete);
    }
  }

  private void scheduleWake(DestinationQueue q, long atMs) {
    if (stopping || q.wakeTimers.containsKey(atMs)) {
      return;
    }
    long delay = Math.max(1, atMs - System.currentTimeMillis());
    long id = vertx.setTimer(delay, t -> {
      q.wakeTimers.remove(atMs);
      claim(q);
    });
    q.wakeTimers.put(atMs, id);
  }

  /**
   * Drain: no new claims; requests in flight get the grace period to finish and their outcomes are written;
   * whatever is still leased after that is released so another instance (or the next start) sends it at once.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(gaugeTimer);
    queues.values().forEach(q -> q.wakeTimers.values().forEach(vertx::cancelTimer));
    // Chunks already waiting for a token keep their turn: they are leased and count as in flight.
    // Chunks claimed ahead and not started are given back with the rest at the end.
    queues.values().forEach(q -> {
      q.ready.forEach(c -> {
        leased.remove(c.leaseToken());
        unused.add(c.leaseToken());
      });
      q.ready.clear();
    });
    Promise<Void> idle = Promise.promise();
    idleWaiters.add(idle);
    checkIdle();
    long grace = config.shutdownGraceMs();
    return workConsumer.unregister()
        .compose(v -> idle.future().timeout(grace, java.util.concurrent.TimeUnit.MILLISECONDS)
            .recover(err -> Future.succeededFuture()))
        .compose(v -> statusWriter.drain(grace).recover(err -> {
          LOG.warn("{} outcomes were not written before shutdown; their chunks will be sent again",
              statusWriter.queued());
          return Future.succeededFuture();
        }))
        .compose(v -> chunks.releaseDestinationLeases(config.instanceId()).<Void>mapEmpty()
            .recover(err -> Future.succeededFuture()))
        .compose(v -> {
          // Leases were renewed through the grace period; what is still held now is given back.
          vertx.cancelTimer(renewTimer);
          queues.values().stream().filter(q -> q.limiter != null).forEach(q -> q.limiter.close());
          List<Long> held = new ArrayList<>(leased);
          held.addAll(unused);
          if (held.isEmpty()) {
            return Future.succeededFuture();
          }
          LOG.info("releasing {} leases still held at shutdown", held.size());
          return chunks.release(config.instanceId(), held)
              .onSuccess(n -> LOG.info("released {} leases", n))
              .<Void>mapEmpty()
              .recover(err -> {
                LOG.warn("releasing leases failed ({}); they expire in {} s", err.toString(),
                    config.delivery().leaseSeconds());
                return Future.succeededFuture();
              });
        });
  }
}
