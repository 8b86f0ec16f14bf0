package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A fast destination's chunks/s (202 to COMPLETED) alone, then while another destination's sink answers in 2 s
 * (1,000 chunks, its 16 slots busy); each side best of two, as one run on a shared machine is at the mercy of
 * whatever else runs. The fast import is about a second of delivery at the steady rate measured before it.
 */
public final class IsolationScenario implements Scenario {

    /** How long each measured import should take to deliver, at the last measured rate. */
    private static final double SECONDS = 1.0;

    @Override
    public String name() {
        return "isolation";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        // About a second of delivery at the rate measured last (at least 1,000 chunks): a fixed size that a faster
        // sender drains in a few dozen milliseconds measures the 20 ms status polling and the start, not the rate.
        int chunks = (int) Math.max(
                1_000, Math.min(ctx.quick() ? 10_000 : 20_000, Math.round(ctx.deliveryRateEstimate() * SECONDS)));
        int n = chunks * 100;
        JsonObject alone = bestOfTwo(ctx, n);
        ctx.api()
                .putDestination(
                        ctx.hookline(),
                        "isoslow",
                        ctx.destination("isoslow", 1, "delay=2000").put("timeoutMs", 10_000));
        ctx.api().postJson(ctx.hookline(), ctx.files().json("isoslow", 1000)).expectAccepted("slow import");
        Thread.sleep(2500); // the slow destination's requests are in flight now
        long slowBefore = ctx.sink().stats("isoslow").getLong("count");
        JsonObject beside = bestOfTwo(ctx, n);
        long slowAfter = ctx.sink().stats("isoslow").getLong("count");
        ctx.api().deleteDestination(ctx.hookline(), "isoslow");
        double a = alone.getDouble("chunksPerSecond");
        double b = beside.getDouble("chunksPerSecond");
        double ratio = b / a;
        return new JsonObject()
                .put("alone", alone)
                .put("beside", beside)
                .put("slowRequestsDuring", slowAfter - slowBefore)
                .put("figure", round(b, 1))
                .put("unit", "chunks/s beside a 2 s destination")
                .put("ceiling", round(a, 1))
                .put("ceilingWhat", "the same import alone (each side best of 2)")
                .put("ratio", round(ratio, 3))
                .put("goals", new JsonArray().add(Goal.of("ratio >= 0.90", ratio >= 0.9)))
                .put(
                        "summary",
                        String.format(
                                "fast destination %.0f chunks/s beside a 2 s one vs %.0f alone; ratio %.2f"
                                        + " (goal >= 0.90)",
                                b, a, ratio));
    }

    /** The faster of two deliveries of the same import to the fast destination. */
    private static JsonObject bestOfTwo(RunContext ctx, int n) throws Exception {
        JsonObject a = DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast", n, 100);
        JsonObject b = DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast", n, 100);
        return a.getDouble("chunksPerSecond") >= b.getDouble("chunksPerSecond") ? a : b;
    }
}
