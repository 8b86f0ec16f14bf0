package io.hookline.delivery;

import io.hookline.logging.LogContext;
import io.hookline.store.ChunkQueue;
import io.hookline.store.Claim;
import io.hookline.store.ClaimedChunk;
import io.hookline.store.Destination;
import io.hookline.store.DestinationSnapshot;
import io.hookline.store.NoticeQueue;
import io.hookline.store.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery to one destination, by the instance that owns it. A pipeline, never stop-and-wait:
 *
 * <ul>
 *   <li>a buffer of leased chunks, refilled by one claim when it falls to half its depth, so a request that ends
 *       starts the next at once; its depth follows the pace (about 50 ms of requests, at least twice the cap, at most
 *       {@code delivery.bufferChunks}) and its bytes are bounded by the shard's {@link ByteBudget};</li>
 *   <li>requests started from the buffer, one import after another in turn, while fewer than {@code maxConcurrency}
 *       run and the {@link DestinationLimiter} allows; a request's slot frees when its HTTP exchange ends;</li>
 *   <li>outcomes handed to the shard's {@link Completer}, which writes them in batches.</li>
 * </ul>
 *
 * <p>Its state: {@code ACTIVE}; {@code PAUSED} (through the API) and {@code PROBING} (circuit open: one chunk per
 * probe interval) hold nothing in the buffer; {@code LEAVING} (handed over or shutting down) starts nothing and gives
 * back what it holds; {@code GONE} (its lease was lost) drops what it holds, for the next owner claims it anyway.
 * No request starts once the lease on the destination may have lapsed. Lives on its shard's event loop.
 */
final class DestinationLane {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationLane.class);
    /** The buffer covers this many claim round trips of requests at the pace the cap allows. */
    private static final int CLAIMS_AHEAD = 3;

    enum Mode {
        STARTING,
        ACTIVE,
        PAUSED,
        PROBING,
        LEAVING,
        GONE
    }

    final String template;
    private final LaneContext ctx;
    private final long epoch;
    private long validUntil;
    private Mode mode = Mode.STARTING;
    private DestinationSnapshot settings;
    private long version = -1;
    private boolean reloading;
    private boolean reloadAgain;

    /** Every chunk this lane holds, and the claim's cursors. */
    private final HeldChunks held = new HeldChunks();
    /** Events that may have made chunks due below the cursors (a retry's time, new work, new settings). */
    private long wakes = 1;
    /** The {@link #wakes} the last claim that looked from the start of every import covered. */
    private long lookedFromStartAt;
    /** Claimed chunks not started yet, per import, served in turn. */
    private final LinkedHashMap<Long, ArrayDeque<ClaimedChunk>> buffer = new LinkedHashMap<>();

    private int buffered;
    /** Bytes of the chunks this lane holds: buffered, running, or waiting for their outcome to be written. */
    private long heldBytes;
    /** Requests waiting for the limiter or in flight. */
    private int running;
    /** The requests in flight and their chunks. */
    private final Map<WebhookClient.Exchange, ClaimedChunk> exchanges = new HashMap<>();

    private int unwritten;
    private boolean claiming;
    /** The last claim got all it asked for: more is probably due. */
    private boolean moreDue = true;

    private long lastImportId;
    private long wakeTimer = -1;
    private long wakeAtMs = Long.MAX_VALUE;
    private long probeTimer = -1;
    private DestinationLimiter limiter;
    private final DestinationCircuit circuit;
    /** Requests started in the last second: the pace an unlimited destination is slowed down from after a 429. */
    private final RecentRate started = new RecentRate();
    /** Moving averages: how long a request takes, how long a claim takes (ms). */
    private double requestMs = 5;

    private double claimMs = 5;
    private Promise<Void> left;
    private boolean abandoned;
    /** A notice is being sent (read, in flight, or its outcome being written). */
    private boolean noticeOut;

    DestinationLane(String template, long epoch, long validUntil, LaneContext ctx) {
        this.template = template;
        this.epoch = epoch;
        this.validUntil = validUntil;
        this.ctx = ctx;
        this.circuit = new DestinationCircuit(ctx.config().circuitWindowMs());
    }

    long epoch() {
        return epoch;
    }

    Mode mode() {
        return mode;
    }

    /** Nothing buffered, running or waiting to be written: the destination can be given back without a pause. */
    boolean idle() {
        return buffered == 0 && running == 0 && unwritten == 0 && !claiming;
    }

    // ---- ownership ----

    void start() {
        reload();
    }

    /** The lease on the destination was renewed: requests may start until {@code validUntilNanos}. */
    void renewed(long validUntilNanos) {
        validUntil = validUntilNanos;
        dispatch();
    }

    /**
     * The lease was lost (it ran out, or the destination was deleted): start nothing more and forget what is buffered;
     * the next owner claims those chunks under its own epoch. Requests in flight end, and their outcomes are written
     * where the chunk was not claimed again.
     */
    void lost() {
        if (mode == Mode.GONE) {
            return;
        }
        LOG.info("{}: this instance no longer owns the destination", template);
        mode = Mode.GONE;
        stopTimers();
        giveBack(takeBuffer());
        if (limiter != null) {
            limiter.close();
        }
        if (left != null) {
            left.tryComplete();
        }
    }

    /**
     * Hands the destination over (or stops at shutdown): starts nothing more, gives back what is buffered, and
     * completes once the requests in flight have ended and their outcomes are written.
     */
    Future<Void> leave() {
        if (left != null) {
            return left.future();
        }
        left = Promise.promise();
        if (mode == Mode.GONE) {
            left.complete();
            return left.future();
        }
        mode = Mode.LEAVING;
        stopTimers();
        if (limiter != null) {
            limiter.close();
        }
        giveBack(takeBuffer());
        checkLeft();
        return left.future();
    }

    /**
     * At the end of the shutdown grace period: requests still in flight are cut off and their outcomes not written (the
     * attempt was not the receiver's failure); the next owner sends their chunks again, as after a crash.
     */
    void abandon() {
        abandoned = true;
        List<WebhookClient.Exchange> cut = new ArrayList<>(exchanges.keySet());
        exchanges.clear();
        if (!cut.isEmpty()) {
            LOG.info(
                    "{}: {} requests cut off at shutdown; releasing their chunks, which the next owner sends again",
                    template,
                    cut.size());
        }
        cut.forEach(WebhookClient.Exchange::cancel);
    }

    private void checkLeft() {
        if (left != null && running == 0 && unwritten == 0 && !claiming) {
            left.tryComplete();
        }
    }

    // ---- settings ----

    /** The destination changed (a PUT, pause, resume, rotation or delete): read it again and apply it. */
    void settingsChanged() {
        reload();
    }

    private void reload() {
        if (mode == Mode.GONE || mode == Mode.LEAVING) {
            return;
        }
        if (reloading) {
            reloadAgain = true;
            return;
        }
        reloading = true;
        ctx.destinations().snapshot(template).onComplete(ar -> {
            reloading = false;
            if (ar.failed()) {
                LOG.warn(
                        "{}: reading the destination failed ({}); trying again",
                        template,
                        ar.cause().toString());
                ctx.vertx().setTimer(ctx.config().pollIntervalMs(), id -> reload());
            } else if (ar.result() == null) {
                lost(); // deleted: the ownership round gives the lease back, if the cascade has not already
                return;
            } else {
                apply(ar.result());
            }
            if (reloadAgain) {
                reloadAgain = false;
                reload();
            }
        });
    }

    /** Applies new settings to the next request (and a lower timeout to those in flight). */
    private void apply(DestinationSnapshot next) {
        if (mode == Mode.GONE || mode == Mode.LEAVING) {
            return;
        }
        DestinationSnapshot previous = settings;
        settings = next;
        version = next.version();
        Destination d = next.destination();
        if (previous != null && !previous.destination().callbackUrl().equals(d.callbackUrl())) {
            circuit.reset();
        }
        long now = System.nanoTime();
        if (limiter == null && (d.rateLimit() != null || next.slowdownRate() != null)) {
            limiter = new DestinationLimiter(ctx.vertx(), now);
        }
        if (limiter != null) {
            limiter.configure(d.rateLimit(), next.slowdownRate(), now);
        }
        List.copyOf(exchanges.keySet()).forEach(x -> x.tighten(d.timeoutMs()));

        Mode wanted = next.paused() ? Mode.PAUSED : next.circuitOpenSince() != null ? Mode.PROBING : Mode.ACTIVE;
        if (wanted != mode) {
            Mode was = mode;
            mode = wanted;
            if (wanted != Mode.ACTIVE) {
                giveBack(takeBuffer());
            }
            if (wanted == Mode.PROBING) {
                circuit.probing();
                Instant at = next.circuitProbeAt() == null ? Instant.now() : next.circuitProbeAt();
                scheduleProbe(Math.max(0, at.toEpochMilli() - System.currentTimeMillis()));
            } else {
                cancelProbe();
            }
            if (was != Mode.STARTING || wanted != Mode.ACTIVE) {
                LOG.info("{}: {} → {}", template, was, wanted);
            }
        }
        moreDue = true;
        wakes++;
        claim();
        dispatch();
        sendNotice();
    }

    private int cap() {
        Integer max = settings.destination().maxConcurrency();
        return max == null ? ctx.config().defaultMaxConcurrency() : max;
    }

    // ---- claiming ----

    /** New work may be due (a new import, a redeliver, a retry's time). */
    void wake() {
        moreDue = true;
        wakes++;
        claim();
        sendNotice();
    }

    /** The completer has room again after it was full. */
    void onRoom() {
        claim();
    }

    /**
     * The number of chunks worth holding: what the destination can take while a few claims go and come back, at the pace
     * its cap and its answers allow (not the pace seen so far, which a buffer too small would keep low), within
     * {@code [2 × cap, delivery.bufferChunks]}. A fast destination gets a deep buffer; a slow one a shallow one, so a new
     * import is claimed, and served in turn, soon after it arrives.
     */
    private int depth() {
        int cap = cap();
        int max = Math.max(ctx.config().bufferChunks(), cap);
        if (limiter != null && limiter.limited()) {
            // a paced destination needs no more than a couple of seconds of tokens: the rest would wait leased
            return (int) Math.max(1, Math.min(max, Math.ceil(limiter.rate() * 2)));
        }
        double perMs = cap / Math.max(0.05, requestMs);
        return (int) Math.min(max, Math.max(2.0 * cap, Math.ceil(perMs * claimMs * CLAIMS_AHEAD)));
    }

    private static double average(double average, double sample) {
        return average * 0.9 + sample * 0.1;
    }

    private void claim() {
        if (mode != Mode.ACTIVE || claiming || !moreDue || !ctx.completer().mayClaim()) {
            return;
        }
        int depth = depth();
        if (buffered > depth / 2) {
            return;
        }
        long laneBytes = ctx.budget().capacity() / 2 - heldBytes;
        long bytes = Math.min(laneBytes, ctx.budget().available());
        if (bytes <= 0 && heldBytes > 0) {
            return; // memory is full; an outcome written frees some and claims again
        }
        int want = depth - buffered;
        claiming = true;
        long t0 = System.nanoTime();
        ctx.queue().claim(request(want, Math.max(0, bytes))).onComplete(ar -> {
            claiming = false;
            claimMs = average(claimMs, (System.nanoTime() - t0) / 1e6);
            if (ar.failed()) {
                lookedFromStartAt = 0; // the next claim looks from the start again
                LOG.warn("{}: claiming chunks failed: {}", template, ar.cause().toString());
                wakeIn(ctx.config().pollIntervalMs());
                checkLeft();
                return;
            }
            claimed(ar.result(), want, false);
            checkLeft();
        });
    }

    /**
     * Usually the claim looks past the cursors (the pages held come before them); after a wake it looks from the start
     * of every import once, for a retry that came due below a cursor, excluding what is held by key.
     */
    private ChunkQueue.ClaimRequest request(int want, long bytes) {
        boolean fromStart = lookedFromStartAt < wakes;
        lookedFromStartAt = wakes;
        return new ChunkQueue.ClaimRequest(
                template,
                ctx.instanceId(),
                epoch,
                want,
                bytes,
                lastImportId,
                settings.destination().ordered(),
                fromStart ? Map.of() : held.cursors(),
                fromStart ? held.keys() : List.of());
    }

    private void claimed(Claim claim, int asked, boolean probe) {
        if (!claim.owned()) {
            lost();
            return;
        }
        List<ClaimedChunk> chunks = claim.chunks();
        long bytes = 0;
        for (ClaimedChunk c : chunks) {
            bytes += c.bytes();
            held.add(c);
        }
        ctx.budget().take(bytes);
        heldBytes += bytes;
        if (claim.settingsVersion() != version) {
            reload();
        }
        if (mode != (probe ? Mode.PROBING : Mode.ACTIVE)) {
            giveBack(chunks); // paused, leaving, lost, or the circuit changed while the claim ran
            return;
        }
        if (probe) {
            chunks.forEach(c -> start(c, true)); // at most one, sent alone
            return;
        }
        for (ClaimedChunk c : chunks) {
            buffer.computeIfAbsent(c.importId(), id -> new ArrayDeque<>()).add(c);
        }
        buffered += chunks.size();
        lastImportId = lastServed(chunks, lastImportId);
        moreDue = claim.more() || (!chunks.isEmpty() && chunks.size() >= asked);
        if (!moreDue && claim.nextDueAt() != null) {
            wakeAt(claim.nextDueAt().toEpochMilli());
        }
        dispatch();
        claim();
    }

    /**
     * The import the claim's round robin ended on. The claim orders imports after {@code previous} first, then wraps
     * around to those at or below it; the last one in that order is where the next claim goes on.
     */
    static long lastServed(List<ClaimedChunk> claimed, long previous) {
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

    // ---- sending ----

    /** Starts buffered chunks while the destination has free request slots and the lease holds. */
    private void dispatch() {
        if (mode != Mode.ACTIVE) {
            return;
        }
        int cap = cap();
        while (running < cap && buffered > 0 && leaseHolds()) {
            start(nextBuffered(), false);
        }
        claim();
    }

    private boolean leaseHolds() {
        return System.nanoTime() - validUntil < 0;
    }

    /** The next chunk in turn: the first of the import after the one served last. */
    private ClaimedChunk nextBuffered() {
        Iterator<Map.Entry<Long, ArrayDeque<ClaimedChunk>>> it =
                buffer.entrySet().iterator();
        Map.Entry<Long, ArrayDeque<ClaimedChunk>> first = it.next();
        ClaimedChunk c = first.getValue().poll();
        it.remove();
        if (!first.getValue().isEmpty()) {
            buffer.put(first.getKey(), first.getValue()); // to the back of the turn
        }
        buffered--;
        return c;
    }

    private void start(ClaimedChunk c, boolean probe) {
        running++;
        Future<Void> turn = limiter == null ? Future.succeededFuture() : limiter.acquire(System.nanoTime());
        turn.onComplete(ar -> {
            if (ar.failed() || !mayStart(probe)) {
                notStarted(c);
                return;
            }
            Destination d = settings.destination();
            started.add(System.nanoTime());
            WebhookClient.Exchange x = ctx.client().send(d, WebhookRequest.of(d.callbackUrl(), c), this::leaseHolds);
            exchanges.put(x, c);
            x.result().onComplete(done -> {
                exchanges.remove(x);
                if (x.withheld()) {
                    notStarted(c);
                } else {
                    finished(d, c, done.result(), probe);
                }
            });
        });
    }

    /** A chunk whose request was not started, or not written: its slot frees and the chunk goes back untouched. */
    private void notStarted(ClaimedChunk c) {
        running--;
        giveBack(List.of(c));
        checkLeft();
    }

    private boolean mayStart(boolean probe) {
        return (mode == Mode.ACTIVE || (probe && mode == Mode.PROBING)) && leaseHolds();
    }

    private void finished(Destination d, ClaimedChunk c, AttemptResult r, boolean probe) {
        running--;
        if (abandoned) {
            forget(c);
            return;
        }
        long now = System.nanoTime();
        requestMs = average(requestMs, r.durationMs());
        ctx.metrics().attempt(template, r);
        pace(r, now);
        Outcome outcome = ctx.retryPolicy().decide(d, c, r, template);
        if (probe && !r.succeeded()) {
            outcome = outcome.asFreeRetry(Instant.now()); // due again, but only claimed as the next probe
        }
        if (LOG.isDebugEnabled()) {
            try (LogContext ignored = LogContext.of(template, c.uploadId(), c.page())) {
                LOG.debug(
                        "{} page {} attempt {}: {} → {}{}",
                        c.uploadId(),
                        c.page(),
                        c.attempts() + 1,
                        r.statusCode() != null ? r.statusCode() : r.error(),
                        outcome.status(),
                        probe ? " (probe)" : "");
            }
        }
        unwritten++;
        Outcome recorded = outcome;
        boolean ordered = d.ordered();
        ctx.completer().submit(recorded, ordered || probe).onComplete(w -> {
            unwritten--;
            forget(c);
            if (recorded.nextAttemptAt() != null) {
                wakeAt(recorded.nextAttemptAt().toEpochMilli());
            }
            if (ordered) {
                moreDue = true; // the next page of the import may be claimed now
            }
            claim();
            checkLeft();
        });
        circuit(probe, r);
        dispatch();
    }

    /** AIMD: a 429/503 with Retry-After slows the whole destination down; successes speed it up again. */
    private void pace(AttemptResult r, long now) {
        Integer code = r.statusCode();
        if (limiter != null) {
            limiter.answered(now);
        }
        if (code != null && (code == 429 || code == 503) && r.retryAfterMs() != null) {
            if (limiter == null) {
                limiter = new DestinationLimiter(ctx.vertx(), now);
                limiter.configure(settings.destination().rateLimit(), null, now);
            }
            double before = limiter.rate();
            limiter.throttled(now, started.lastSecond(now));
            if (limiter.rate() < before) {
                LOG.info(
                        "{} asked to slow down ({}): now at most {} requests/s",
                        template,
                        code,
                        String.format("%.2f", limiter.rate()));
                ctx.health()
                        .slowedDown(template, limiter.rate())
                        .onFailure(err -> LOG.debug("{}: keeping the slow-down failed: {}", template, err.toString()));
            }
        } else if (r.succeeded() && limiter != null && limiter.slowedDown()) {
            limiter.succeeded(now);
            if (!limiter.slowedDown()) {
                ctx.health()
                        .slowedDown(template, null)
                        .onFailure(err -> LOG.debug("{}: clearing the slow-down failed: {}", template, err.toString()));
            }
        }
    }

    // ---- the circuit ----

    /**
     * A destination that failed every attempt for {@code circuitWindowMs} is paused but for one probe per probe
     * interval; the first success closes it again, and the chunks waiting are claimed at once.
     */
    private void circuit(boolean probe, AttemptResult r) {
        long probeMs = ctx.config().circuitProbeIntervalMs();
        switch (circuit.record(probe, r)) {
            case OPEN -> {
                LOG.warn(
                        "{} failed every attempt for {} ms: circuit open, probing every {} ms",
                        template,
                        circuit.failingForMs(r.startedAt().toEpochMilli() + r.durationMs()),
                        probeMs);
                Instant probeAt = Instant.now().plusMillis(probeMs);
                circuit.write(() -> ctx.health().open(template, probeAt, circuit.lastError()))
                        .onSuccess(v -> sendNotice())
                        .onFailure(this::circuitWriteFailed);
                if (mode == Mode.ACTIVE) {
                    mode = Mode.PROBING;
                    giveBack(takeBuffer());
                    scheduleProbe(probeMs);
                }
            }
            case CLOSE -> {
                LOG.info("{} answered again: circuit closed, deliveries resume", template);
                circuit.write(() -> ctx.health().close(template, circuit.lastError()))
                        .onSuccess(v -> sendNotice())
                        .onFailure(this::circuitWriteFailed);
                cancelProbe();
                if (mode == Mode.PROBING) {
                    mode = Mode.ACTIVE;
                    moreDue = true;
                    claim();
                }
            }
            case NONE -> {
                if (probe && !r.succeeded() && mode == Mode.PROBING) {
                    Instant probeAt = Instant.now().plusMillis(probeMs);
                    circuit.write(() -> ctx.health().probed(template, probeAt)).onFailure(this::circuitWriteFailed);
                    scheduleProbe(probeMs);
                }
            }
        }
    }

    private void circuitWriteFailed(Throwable err) {
        LOG.warn("writing the circuit state of {} failed: {}", template, err.toString());
    }

    private void scheduleProbe(long delayMs) {
        cancelProbe();
        probeTimer = ctx.vertx().setTimer(Math.max(1, delayMs), id -> {
            probeTimer = -1;
            probe();
        });
    }

    private void cancelProbe() {
        if (probeTimer != -1) {
            ctx.vertx().cancelTimer(probeTimer);
            probeTimer = -1;
        }
    }

    /** One chunk, claimed and sent alone; with none due, the next probe time is tried again. */
    private void probe() {
        if (mode != Mode.PROBING) {
            return;
        }
        if (claiming || running > 0) {
            scheduleProbe(ctx.config().circuitProbeIntervalMs()); // something is out: look again at the next interval
            return;
        }
        claiming = true;
        lookedFromStartAt = 0;
        ctx.queue().claim(request(1, 0)).onComplete(ar -> {
            claiming = false;
            if (ar.succeeded()) {
                claimed(ar.result(), 1, true);
            }
            if (mode == Mode.PROBING && running == 0 && probeTimer == -1) {
                scheduleProbe(ctx.config().circuitProbeIntervalMs()); // nothing was due to probe with
            }
            checkLeft();
        });
    }

    // ---- notices ----

    /**
     * Sends the destination's next due notice, if any: one at a time, within its cap and pace like a chunk (so notices
     * never take more than one request slot from the chunks), while it is sent to (also with its circuit open: the
     * circuit is about the callback URL, and its own notices must get out). Retried with the destination's retry
     * settings; the outcome is written under this owner's epoch before the next notice goes.
     */
    void sendNotice() {
        if (noticeOut
                || settings == null
                || (mode != Mode.ACTIVE && mode != Mode.PROBING)
                || running >= cap()
                || !leaseHolds()) {
            return;
        }
        noticeOut = true;
        running++;
        ctx.notices().next(template, ctx.instanceId(), epoch).onComplete(ar -> {
            NoticeQueue.Notice n = ar.succeeded() ? ar.result() : null;
            if (ar.failed()) {
                LOG.warn("{}: reading notices failed: {}", template, ar.cause().toString());
            }
            if (n == null) {
                noticeEnded();
                return;
            }
            Future<Void> turn = limiter == null ? Future.succeededFuture() : limiter.acquire(System.nanoTime());
            turn.onComplete(t -> {
                if (t.failed() || !mayStart(mode == Mode.PROBING)) {
                    noticeEnded();
                    return;
                }
                Destination d = settings.destination();
                WebhookClient.Exchange x = ctx.client()
                        .send(
                                d,
                                new WebhookRequest(
                                        n.notifyUrl(), n.webhookId(), n.authValue(), n.authUnreadable(), n.body()),
                                this::leaseHolds);
                x.result().onComplete(done -> {
                    if (x.withheld()) {
                        noticeEnded(); // not sent: it stays due, for whoever owns the destination now
                    } else {
                        noticeAnswered(d, n, done.result());
                    }
                });
            });
        });
    }

    private void noticeAnswered(Destination d, NoticeQueue.Notice n, AttemptResult r) {
        Outcome.ChunkStatus status;
        Instant next = null;
        if (r.succeeded()) {
            status = Outcome.ChunkStatus.DELIVERED;
        } else if ((r.statusCode() != null && d.noRetryStatuses().contains(r.statusCode()))
                || n.attempts() + 1 > d.retryCount()) {
            status = Outcome.ChunkStatus.UNDELIVERED;
        } else {
            status = Outcome.ChunkStatus.RETRYING;
            next = r.startedAt().plusMillis(r.durationMs() + ctx.retryPolicy().delayMs(d, n.attempts() + 1, r));
        }
        ctx.metrics().notice(template, r);
        if (status != Outcome.ChunkStatus.DELIVERED) {
            LOG.info(
                    "{}: notice {} ({}) attempt {} failed: {}{}",
                    template,
                    n.webhookId(),
                    n.type(),
                    n.attempts() + 1,
                    r.statusCode() != null ? "HTTP " + r.statusCode() : r.error(),
                    status == Outcome.ChunkStatus.RETRYING ? ", retrying" : ", given up");
        }
        Instant retryAt = next;
        ctx.notices()
                .record(n.id(), template, epoch, status, r.statusCode(), r.error(), next)
                .onComplete(w -> {
                    if (w.failed()) {
                        LOG.warn(
                                "{}: writing a notice's outcome failed ({}); it is sent again",
                                template,
                                w.cause().toString());
                    }
                    if (retryAt != null) {
                        wakeAt(retryAt.toEpochMilli());
                    }
                    noticeEnded();
                    sendNotice(); // the next one, if any
                });
    }

    private void noticeEnded() {
        running--;
        noticeOut = false;
        dispatch();
        checkLeft();
    }

    // ---- the buffer, leases, timers ----

    private List<ClaimedChunk> takeBuffer() {
        List<ClaimedChunk> all = new ArrayList<>(buffered);
        buffer.values().forEach(all::addAll);
        buffer.clear();
        buffered = 0;
        return all;
    }

    /** Lets go of chunks that will not be sent now: the next claim, here or by the next owner, finds them again. */
    private void giveBack(List<ClaimedChunk> chunks) {
        chunks.forEach(this::forget);
    }

    private void forget(ClaimedChunk c) {
        held.remove(c);
        heldBytes -= c.bytes();
        ctx.budget().give(c.bytes());
    }

    private void wakeIn(long delayMs) {
        wakeAt(System.currentTimeMillis() + delayMs);
    }

    /** Claims again at {@code atMs} (the earliest of the times asked for wins). */
    private void wakeAt(long atMs) {
        if (mode == Mode.GONE || mode == Mode.LEAVING || atMs >= wakeAtMs) {
            return;
        }
        if (wakeTimer != -1) {
            ctx.vertx().cancelTimer(wakeTimer);
        }
        wakeAtMs = atMs;
        wakeTimer = ctx.vertx().setTimer(Math.max(1, atMs - System.currentTimeMillis()), id -> {
            wakeTimer = -1;
            wakeAtMs = Long.MAX_VALUE;
            if (settings == null) {
                reload();
            } else {
                wake();
            }
        });
    }

    private void stopTimers() {
        if (wakeTimer != -1) {
            ctx.vertx().cancelTimer(wakeTimer);
            wakeTimer = -1;
            wakeAtMs = Long.MAX_VALUE;
        }
        cancelProbe();
    }
}
