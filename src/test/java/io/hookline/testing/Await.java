package io.hookline.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition, polling it, and fails with what it waited for when the time is up. */
public final class Await {

    private Await() {}

    /** Polls until {@code probe} answers non-null (or true); answers that value. */
    public static <T> T until(Supplier<T> probe, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (last != null && !Boolean.FALSE.equals(last)) {
                return last;
            }
            pause();
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
    }

    private static void pause() {
        try {
            Thread.sleep(20); // the polling interval of a condition wait, not a stand-in for one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
