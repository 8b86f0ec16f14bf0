package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limiter's arithmetic, with time passed in: token bucket of one, multiplicative decrease, additive increase. */
class DestinationLimiterTest {

    private static final long S = 1_000_000_000L;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void startsWithOneTokenSoThereIsNoBurst() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(20.0, null, 0);
        assertThat(l.acquire(0).succeeded()).isTrue();
        Future<Void> second = l.acquire(0);
        assertThat(second.isComplete())
                .as("a second request at the same instant waits for its token")
                .isFalse();
        assertThat(l.batch()).isEqualTo(20);
    }

    @Test
    void untilTheFirstAnswerOnlyOneRequestIsOut() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(20.0, null, 0);
        assertThat(l.acquire(0).succeeded()).isTrue();
        Future<Void> second = l.acquire(S); // a token is there by now, but the first request has not been answered
        assertThat(second.isComplete()).isFalse();
        l.answered(S);
        assertThat(second.succeeded()).isTrue();
    }

    @Test
    void pushBackHalvesTheRateOncePerSecondAndSuccessesAddItBackGradually() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(20.0, null, 0);
        l.throttled(S, 0);
        assertThat(l.rate()).isEqualTo(10.0);
        l.throttled(S + S / 2, 0); // the same overload, told by another answer in flight
        assertThat(l.rate()).isEqualTo(10.0);
        l.throttled(3 * S, 0);
        assertThat(l.rate()).isEqualTo(5.0);
        // A tenth of the limit (2/s) per second of successes.
        l.succeeded(4 * S);
        assertThat(l.rate()).isEqualTo(7.0);
        l.succeeded(4 * S + S / 2);
        assertThat(l.rate()).isEqualTo(8.0);
        for (int i = 5; i < 20; i++) {
            l.succeeded(i * S);
        }
        assertThat(l.rate()).as("never above the configured limit").isEqualTo(20.0);
    }

    @Test
    void anUnlimitedDestinationSlowsFromItsObservedRateAndOpensAgainOnceRecovered() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        assertThat(l.limited()).isFalse();
        l.throttled(2 * S - 1, 40); // it was seen sending 40 requests a second
        assertThat(l.limited()).isTrue();
        assertThat(l.rate()).isEqualTo(20.0);
        for (int i = 2; i < 8; i++) {
            l.succeeded(i * S); // +4/s, a tenth of the 40/s it was sending at
        }
        assertThat(l.limited())
                .as("recovered to the observed 40/s: no limit any more")
                .isFalse();
    }

    @Test
    void repeatedPushBackStopsAtTheFloor() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(1.0, null, 0);
        for (int i = 1; i < 10; i++) {
            l.throttled(i * 2 * S, 0);
        }
        assertThat(l.rate()).isEqualTo(DestinationLimiter.MIN_RATE);
    }

    @Test
    void aNewSettingTakesEffectExactlyAndClearsTheSlowDown() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(1.0, null, 0);
        l.configure(100.0, null, S);
        assertThat(l.rate()).as("raised").isEqualTo(100.0);
        l.configure(5.0, null, S);
        assertThat(l.rate()).as("lowered").isEqualTo(5.0);
        l.throttled(2 * S, 0);
        assertThat(l.rate()).isEqualTo(2.5);
        assertThat(l.slowedDown()).isTrue();
        l.configure(null, null, 2 * S);
        assertThat(l.limited()).as("lifted, slow-down cleared: no limit at all").isFalse();
        assertThat(l.acquire(2 * S).succeeded()).isTrue();
        assertThat(l.acquire(2 * S).succeeded())
                .as("nothing paces an unlimited destination")
                .isTrue();
    }

    @Test
    void aNewOwnerContinuesFromTheSlowDownItWasHandedAndRecoversFromIt() {
        DestinationLimiter l = new DestinationLimiter(vertx, 0);
        l.configure(null, 10.0, 0);
        assertThat(l.rate()).isEqualTo(10.0);
        assertThat(l.slowedDown()).isTrue();
        for (int i = 1; i < 20; i++) {
            l.succeeded(i * S);
        }
        assertThat(l.limited())
                .as("recovered past where it was slowed from: open again")
                .isFalse();

        DestinationLimiter limited = new DestinationLimiter(vertx, 0);
        limited.configure(50.0, 100.0, 0);
        assertThat(limited.rate())
                .as("a slow-down above the limit is no slow-down")
                .isEqualTo(50.0);
        assertThat(limited.slowedDown()).isFalse();
    }
}
