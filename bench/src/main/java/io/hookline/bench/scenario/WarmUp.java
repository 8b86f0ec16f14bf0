package io.hookline.bench.scenario;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * A server measured a few seconds after its start is measuring the JIT compiler (it took a quarter of a core
 * during delivery in a cold run): imports through ingest and delivery for 10 s (30 s in the full run) first.
 */
public final class WarmUp {

    private WarmUp() {}

    public static void run(RunContext ctx) throws Exception {
        long w0 = System.nanoTime();
        long until = w0 + TimeUnit.SECONDS.toNanos(ctx.quick() ? 10 : 30);
        for (int i = 0; System.nanoTime() < until; i++) {
            JsonObject w = DeliverOneImport.deliver(ctx, ctx.hookline(), "warmup" + i, 20_000, 100);
            ctx.deliveryRateEstimate(w.getDouble("chunksPerSecond"));
            System.out.println("[bench] warm-up " + i + ": " + w.getDouble("chunksPerSecond") + " chunks/s");
        }
        System.out.printf("[bench] warm-up took %.1f s%n", (System.nanoTime() - w0) / 1e9);
    }
}
