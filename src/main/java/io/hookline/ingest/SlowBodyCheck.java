package io.hookline.ingest;

/**
 * Tells a body that arrives too slowly: fed the bytes as they come and ticked once a second, it looks at the last
 * {@code windowSeconds} seconds during which the request was being read and finds them too slow when together they
 * brought fewer than {@code minBytesPerSecond × windowSeconds} bytes. A second in which the server itself paused
 * reading (waiting for the database, or for memory) does not count: the client is not blamed for the server's waits.
 */
final class SlowBodyCheck {

    private final long minBytesPerWindow;
    private final long[] seconds;
    private int filled;
    private int next;
    private long sum;
    private long thisSecond;
    private boolean pausedThisSecond;

    SlowBodyCheck(long minBytesPerSecond, int windowSeconds) {
        this.minBytesPerWindow = minBytesPerSecond * windowSeconds;
        this.seconds = new long[windowSeconds];
    }

    void received(long bytes) {
        thisSecond += bytes;
    }

    /** The server paused reading: the current second is left out. */
    void paused() {
        pausedThisSecond = true;
    }

    /**
     * Closes the current second ({@code stillPaused}: reading is paused now, so the next second starts paused too).
     * Answers true when a full window of reading seconds brought less than the minimum.
     */
    boolean tick(boolean stillPaused) {
        if (!pausedThisSecond) {
            sum += thisSecond - seconds[next];
            seconds[next] = thisSecond;
            next = (next + 1) % seconds.length;
            filled = Math.min(filled + 1, seconds.length);
        }
        thisSecond = 0;
        pausedThisSecond = stillPaused;
        return filled == seconds.length && sum < minBytesPerWindow;
    }
}
