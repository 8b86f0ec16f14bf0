package io.hookline.bench.machine;

import io.vertx.core.json.JsonArray;
import java.util.concurrent.locks.LockSupport;

/** Samples the resident set size (VmRSS) of a process every half second: [seconds, MiB] pairs. */
public final class RssSampler implements AutoCloseable {

    private final JsonArray series = new JsonArray();
    private volatile boolean running = true;
    private final Thread thread;

    public RssSampler(long pid) {
        long start = System.nanoTime();
        thread = new Thread(
                () -> {
                    while (running) {
                        Long kb = ProcStat.statusKb(pid, "VmRSS");
                        if (kb != null) {
                            synchronized (series) {
                                series.add(new JsonArray()
                                        .add(Math.round((System.nanoTime() - start) / 1e7) / 100.0)
                                        .add(Math.round(kb / 102.4) / 10.0));
                            }
                        }
                        LockSupport.parkNanos(500_000_000L);
                    }
                },
                "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    public JsonArray series() {
        synchronized (series) {
            return series.copy();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
