package io.hookline.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * The pace of requests to one destination, in the instance that holds its destination lease: a token bucket that
 * holds at most one token, so no one-second window carries more than the rate (a larger bucket would allow a burst
 * on top of it), plus AIMD: a 429/503 with Retry-After halves the rate, successes add it back gradually.
 *
 * <p>Without a configured {@code rateLimit} the limiter is open until the destination first pushes back; it then
 * starts from half the rate it was observed sending at, and opens again once it has recovered to that rate.
 * Time is passed in (nanoseconds) so the arithmetic can be tested without waiting.
 */
final class DestinationLimiter {

    private static final long SECOND = 1_000_000_000L;
    /** The floor of a slowed-down destination: still tried about every ten seconds. */
    static final double MIN_RATE = 0.1;

    private final Vertx vertx;
    private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
    /** The configured limit; infinite when the destination has none. */
    private double ceiling = Double.POSITIVE_INFINITY;
    /** For a destination without a limit that was slowed down: the rate at which the limiter opens again. */
    private double recoverTo = Double.POSITIVE_INFINITY;
    /** The rate in force now; infinite when nothing limits the destination. */
    private double rate = Double.POSITIVE_INFINITY;

    private double tokens = 1;
    private long refilledAt;
    private long lastDecrease = Long.MIN_VALUE / 2;
    private long lastIncrease;
    private long timer = -1;
    private boolean closed;
    /**
     * Until the destination first answers, one request at a time: the first request also opens the connection, and
     * requests paced out behind it would otherwise arrive bunched up with it (seen: three within 17 ms at 20/s).
     */
    private boolean warm;

    private boolean coldInFlight;

    DestinationLimiter(Vertx vertx, long now) {
        this.vertx = vertx;
        this.refilledAt = now;
    }

    /**
     * Applies the destination's settings exactly: {@code rateLimit} (null: none) becomes the pace at once, raised,
     * lowered or lifted. {@code slowdownRate} is the pace the destination was slowed down to after a 429/503, as kept in
     * the database: null clears any slow-down (a PUT starts afresh), a value is taken over when this limiter is not
     * slowed down itself (a new owner continues where the previous one was). A Retry-After already in force is not the
     * limiter's: each retry keeps its own time.
     */
    void configure(Double rateLimit, Double slowdownRate, long now) {
        refill(now);
        ceiling = rateLimit == null ? Double.POSITIVE_INFINITY : rateLimit;
        if (slowdownRate == null || slowdownRate >= ceiling) {
            rate = ceiling;
            recoverTo = Double.POSITIVE_INFINITY;
        } else if (rate >= ceiling || rate > slowdownRate) {
            rate = Math.max(MIN_RATE, slowdownRate);
            // unlimited: open again around where it was before the slow-down that halved it
            recoverTo = ceiling == Double.POSITIVE_INFINITY ? rate * 2 : Double.POSITIVE_INFINITY;
        }
        if (limited()) {
            tokens = Math.min(tokens, 1);
        }
        reschedule(now);
    }

    /** Slowed down below its configured pace (after a 429/503): the rate worth remembering. */
    boolean slowedDown() {
        return rate < ceiling;
    }

    boolean limited() {
        return rate != Double.POSITIVE_INFINITY;
    }

    double rate() {
        return rate;
    }

    /** Chunks worth claiming at once: about one second of tokens, so claimed chunks do not wait long for theirs. */
    int batch() {
        return limited() ? (int) Math.max(1, Math.ceil(rate)) : Integer.MAX_VALUE;
    }

    /** Completes when this request may be sent, in the order asked. */
    Future<Void> acquire(long now) {
        if (closed) {
            return Future.failedFuture(new IllegalStateException("the destination's limiter is closed"));
        }
        if (!limited()) {
            return Future.succeededFuture();
        }
        refill(now);
        if (waiting.isEmpty() && mayTake()) {
            take(now);
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        waiting.add(p);
        schedule(now);
        return p.future();
    }

    /** Any answer (or failure) of a request: the connection is open, pacing alone decides from now on. */
    void answered(long now) {
        if (!warm) {
            warm = true;
            reschedule(now);
        }
    }

    /**
     * A 429 or 503 with Retry-After: halve the rate, at most once a second (answers in flight tell the same news). An
     * unlimited destination halves the rate it was seen sending at: {@code observedPerSecond}, and opens again once
     * back there.
     */
    void throttled(long now, double observedPerSecond) {
        if (now - lastDecrease < SECOND) {
            return;
        }
        refill(now);
        double base = rate;
        if (!limited()) {
            base = Math.max(1, observedPerSecond);
            recoverTo = base;
            tokens = Math.min(tokens, 1);
        }
        rate = Math.max(MIN_RATE, base / 2);
        lastDecrease = now;
        lastIncrease = now;
        reschedule(now);
    }

    /** A success: add back a tenth of the target rate per second of successes (additive increase). */
    void succeeded(long now) {
        if (!limited() || rate >= ceiling) {
            return;
        }
        refill(now);
        double target = Math.min(ceiling, recoverTo);
        double step = Math.max(1, target / 10);
        long elapsed = Math.min(SECOND, now - lastIncrease);
        lastIncrease = now;
        rate = Math.min(target, rate + step * elapsed / SECOND);
        if (rate >= recoverTo) {
            rate = ceiling; // recovered: back to unlimited (or to the configured limit)
            recoverTo = Double.POSITIVE_INFINITY;
        }
        reschedule(now);
    }

    /**
     * When its destination stops being sent to here (handed over, paused, shut down): nothing waiting is let through
     * any more (another instance may send those chunks next); the waiting requests fail, and the timer stops.
     */
    void close() {
        closed = true;
        cancelTimer();
        IllegalStateException stopped = new IllegalStateException("the destination's limiter is closed");
        while (!waiting.isEmpty()) {
            waiting.poll().fail(stopped);
        }
    }

    private void cancelTimer() {
        if (timer != -1) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void refill(long now) {
        if (limited()) {
            tokens = Math.min(1, tokens + (now - refilledAt) * rate / SECOND);
        }
        refilledAt = now;
    }

    private void reschedule(long now) {
        cancelTimer();
        release(now);
    }

    private void release(long now) {
        if (closed) {
            return;
        }
        refill(now);
        while (!waiting.isEmpty() && (!limited() || mayTake())) {
            if (limited()) {
                take(now);
            }
            waiting.poll().complete();
        }
        schedule(now);
    }

    private boolean mayTake() {
        return tokens >= 1 && (warm || !coldInFlight);
    }

    private void take(long now) {
        tokens -= 1;
        coldInFlight = !warm;
    }

    private void schedule(long now) {
        if (waiting.isEmpty() || timer != -1 || (!warm && coldInFlight)) {
            return; // nothing to wait for, a timer already set, or waiting for the first answer rather than a token
        }
        // Round up: a timer that fires a little early would find no whole token and wait a whole round again.
        long delayMs = Math.max(1, (long) Math.ceil((1 - tokens) / rate * 1000));
        timer = vertx.setTimer(delayMs, id -> {
            timer = -1;
            release(System.nanoTime());
        });
    }
}
