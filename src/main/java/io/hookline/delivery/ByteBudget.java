package io.hookline.delivery;

/**
 * The page bodies one sender shard may hold at once, in bytes: claimed ahead, in flight, or waiting for their outcome
 * to be written. Claims ask for at most what is left, so memory stays bounded however large the pages are.
 */
final class ByteBudget {

    private final long capacity;
    private long used;

    ByteBudget(long capacity) {
        this.capacity = capacity;
    }

    long available() {
        return Math.max(0, capacity - used);
    }

    long capacity() {
        return capacity;
    }

    void take(long bytes) {
        used += bytes;
    }

    void give(long bytes) {
        used -= bytes;
    }
}
