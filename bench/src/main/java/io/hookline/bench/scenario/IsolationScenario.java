package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A fast destination's chunks/s (202 to COMPLETED) alone, then while another destination's sink answers in 2 s
 * (1,000 chunks, its 16 slots busy); each side best of two, as one run on a shared machine is at the mercy of
 * whatever else runs.
 */
public final class IsolationScenario implements Scenario {

    @Override
    public String name() {
        return "isolation";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int n = ctx.quick() ? 50_000 : 100_000;
        JsonObject alone = best(
                DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast1", n, 100),
                DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast1b", n, 100));
        ctx.api()
                .putDestination(
                        ctx.hookline(),
                        "isoslow",
                        ctx.destination("isoslow", 1, "delay=2000").put("timeoutMs", 10_000));
        ctx.api().postJson(ctx.hookline(), ctx.files().json("isoslow", 1000)).expectAccepted("slow import");
        Thread.sleep(2500); // the slow destination's requests are in flight now
        long slowBefore = ctx.sink().stats("isoslow").getLong("count");
        JsonObject beside = best(
                DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast2", n, 100),
                DeliverOneImport.deliver(ctx, ctx.hookline(), "isofast2b", n, 100));
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

    private static JsonObject best(JsonObject a, JsonObject b) {
        return a.getDouble("chunksPerSecond") >= b.getDouble("chunksPerSecond") ? a : b;
    }
}
