package io.hookline.delivery;

/** Events in the last second, counted in ten 100 ms buckets: a rate observed cheaply on every event. */
final class RecentRate {

    private static final long BUCKET = 100_000_000L;
    private final long[] counts = new long[10];
    private final long[] slots = new long[10];

    void add(long nowNanos) {
        long slot = nowNanos / BUCKET;
        int i = (int) (slot % 10);
        if (slots[i] != slot) {
            slots[i] = slot;
            counts[i] = 0;
        }
        counts[i]++;
    }

    long lastSecond(long nowNanos) {
        long slot = nowNanos / BUCKET;
        long n = 0;
        for (int i = 0; i < 10; i++) {
            if (slot - slots[i] < 10) {
                n += counts[i];
            }
        }
        return n;
    }
}
