package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.delivery.DestinationCircuit.Change;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the circuit opens and closes, from attempt outcomes alone. */
class DestinationCircuitTest {

    private static AttemptResult failedAt(long ms) {
        return new AttemptResult(Instant.ofEpochMilli(ms), 10, 500, "HTTP 500", null, null);
    }

    private static AttemptResult okAt(long ms) {
        return new AttemptResult(Instant.ofEpochMilli(ms), 10, 200, null, null, null);
    }

    @Test
    void opensOnceAfterTheWindowOfFailuresAndClosesOnTheNextSuccess() {
        DestinationCircuit c = new DestinationCircuit(1_000);
        assertThat(c.record(false, failedAt(0))).isEqualTo(Change.NONE);
        assertThat(c.record(false, failedAt(500))).isEqualTo(Change.NONE);
        assertThat(c.record(false, failedAt(990)))
                .as("ended at 1000: the window is full")
                .isEqualTo(Change.OPEN);
        assertThat(c.record(false, failedAt(1_500))).as("already open").isEqualTo(Change.NONE);
        assertThat(c.record(false, okAt(1_600))).isEqualTo(Change.CLOSE);
        assertThat(c.record(false, okAt(1_700))).isEqualTo(Change.NONE);
    }

    @Test
    void aSuccessInsideTheWindowStartsItAgain() {
        DestinationCircuit c = new DestinationCircuit(1_000);
        c.record(false, failedAt(0));
        c.record(false, okAt(600));
        assertThat(c.record(false, failedAt(700))).isEqualTo(Change.NONE);
        assertThat(c.record(false, failedAt(1_200))).isEqualTo(Change.NONE);
        assertThat(c.record(false, failedAt(1_700))).isEqualTo(Change.OPEN);
    }

    @Test
    void probesDecideOnlyOnSuccess() {
        DestinationCircuit c = new DestinationCircuit(1_000);
        c.probing(); // another instance opened it
        assertThat(c.record(true, failedAt(0))).isEqualTo(Change.NONE);
        assertThat(c.record(true, okAt(300))).isEqualTo(Change.CLOSE);
    }

    @Test
    void newSettingsForgetEarlierFailures() {
        DestinationCircuit c = new DestinationCircuit(1_000);
        c.record(false, failedAt(0));
        c.reset();
        assertThat(c.record(false, failedAt(2_000))).isEqualTo(Change.NONE);
        assertThat(c.record(false, failedAt(2_500))).isEqualTo(Change.NONE);
    }
}
