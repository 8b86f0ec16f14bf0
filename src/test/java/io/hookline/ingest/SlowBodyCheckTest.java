package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rate check over a window of reading seconds, ticked by hand. */
class SlowBodyCheckTest {

    /** 100 bytes per second minimum over 3 s: 300 bytes per window. */
    private final SlowBodyCheck check = new SlowBodyCheck(100, 3);

    private boolean second(long bytes) {
        check.received(bytes);
        return check.tick(false);
    }

    @Test
    void judgesOnlyAFullWindow() {
        assertThat(second(0)).isFalse();
        assertThat(second(0)).isFalse();
        assertThat(second(0)).as("three reading seconds with nothing").isTrue();
    }

    @Test
    void aBurstCarriesTheWindowItIsInAndNoFurther() {
        assertThat(second(10_000)).isFalse();
        assertThat(second(10)).isFalse();
        assertThat(second(10)).isFalse();
        assertThat(second(10))
                .as("the burst has left the window: 30 bytes in 3 s")
                .isTrue();
    }

    @Test
    void aSteadyRateAtTheMinimumPasses() {
        for (int i = 0; i < 20; i++) {
            assertThat(second(100)).isFalse();
        }
    }

    @Test
    void secondsInWhichTheServerPausedReadingDoNotCount() {
        assertThat(second(500)).isFalse();
        for (int i = 0; i < 20; i++) {
            check.paused();
            assertThat(check.tick(true)).as("paused second %d", i).isFalse();
        }
        // a second that started paused does not count either, even if reading resumed during it
        assertThat(second(0)).isFalse();
        assertThat(second(0)).isFalse();
        assertThat(second(0))
                .as("the window: the 500-byte second and two quiet ones")
                .isFalse();
        assertThat(second(0)).as("now only the quiet reading seconds").isTrue();
    }
}
