package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.data.ImportFiles;
import io.hookline.bench.process.Wrk;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Delivery in steady state (see {@link SteadyDelivery}): after an unmeasured pass of the same shape, a backlog of at
 * least 20,000 chunks (quick: 10,000), more when the server is fast enough to drain that in a few seconds, to the
 * instant sink; the median chunks/s committed over 250 ms windows. The ceiling is wrk against the same sink with the same body over 16 connections (the
 * default maxConcurrency).
 */
public final class DeliveryScenario implements Scenario {

    static final double STEP_GOAL = 10_000;
    static final double AIM_RATIO = 0.40;

    @Override
    public String name() {
        return "delivery";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        // A first pass over a backlog of the same shape, not measured: the warm-up's small imports leave the delivery
        // path's large batches JIT-cold (its compiler took half a core during a measured pass right after it), and its
        // rate sizes the measured backlog for several seconds of steady delivery.
        int warmChunks = ctx.quick()
                ? SteadyDelivery.backlogChunks(ctx, 4, 10_000, 30_000, 1)
                : SteadyDelivery.backlogChunks(ctx, 8, 20_000, 60_000, 1);
        // The warm pass also takes the diagnostics (pg_stat_activity every 5 ms, the sink's receive time of every
        // request): on two cores they cost the measured processes CPU, so the measured pass runs without them.
        JsonObject warm = SteadyDelivery.run(
                ctx, new SteadyDelivery.Plan(List.of("steady"), warmChunks, List.of(ctx.hookline()), true, null));
        ctx.deliveryRateEstimate(warm.getJsonObject("chunksPerSecond").getDouble("median"));
        int chunks = ctx.quick()
                ? SteadyDelivery.backlogChunks(ctx, 5, 10_000, 40_000, 1)
                : SteadyDelivery.backlogChunks(ctx, 10, 20_000, 80_000, 1);
        JsonObject steady = SteadyDelivery.run(
                ctx, new SteadyDelivery.Plan(List.of("steady"), chunks, List.of(ctx.hookline()), false, "delivery"));
        steady.put(
                "warmPassChunksPerSecond", warm.getJsonObject("chunksPerSecond").getDouble("median"));
        for (String key : new String[] {"pgActivity", "arrivals"}) {
            if (warm.containsKey(key)) {
                steady.put(key + "InWarmPass", warm.getValue(key));
            }
        }
        double figure = steady.getJsonObject("chunksPerSecond").getDouble("median");
        ctx.deliveryRateEstimate(figure);

        Path body = ctx.work().resolve("chunk.json");
        Files.writeString(body, ImportFiles.chunkBody("steady", "bench-wrk", 200_000, SteadyDelivery.CHUNK_SIZE, 1));
        int secs = ctx.quick() ? 5 : 10;
        double ceiling = Wrk.requestsPerSecond(ctx.work(), ctx.sink().callback("wrk"), body, 2, 16, secs);
        double ratio = figure / ceiling;
        JsonObject b = steady.getJsonObject("backlog");
        return steady.put("figure", round(figure, 1))
                .put("unit", "chunks/s steady (median of 250 ms windows)")
                .put("ceiling", round(ceiling, 1))
                .put(
                        "ceilingWhat",
                        "wrk -t2 -c16 -d" + secs + "s POSTing the same " + Files.size(body)
                                + "-byte chunk body to the same sink")
                .put("ratio", round(ratio, 3))
                .put(
                        "goals",
                        new JsonArray()
                                .add(Goal.of(">= 10,000 chunks/s steady (next step)", figure >= STEP_GOAL))
                                .add(Goal.of(">= 0.40 x wrk (aim)", ratio >= AIM_RATIO)))
                .put(
                        "summary",
                        String.format(
                                "%.0f chunks/s steady (median of %d windows of 250 ms over %.1f s; mean %.0f; "
                                        + "sink saw %.0f/s) from a backlog of %d chunks, %s; ceiling wrk %.0f req/s; ratio %.3f "
                                        + "(goals: >= 10,000 chunks/s next step, >= 0.40 x wrk aim)",
                                figure,
                                steady.getInteger("steadyWindows"),
                                steady.getDouble("steadySeconds"),
                                steady.getJsonObject("chunksPerSecond").getDouble("mean"),
                                steady.getJsonObject("sinkArrivalsPerSecond").getDouble("mean"),
                                b.getLong("chunks"),
                                steady.getBoolean("paused")
                                        ? "built paused"
                                        : "built by holding its requests at the sink (no pause on this server)",
                                ceiling,
                                ratio));
    }
}
