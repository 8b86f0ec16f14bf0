package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.result.Goal;
import io.hookline.bench.result.Numbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Drain time: one import of 1,000 chunks (100,000 records, chunkSize 100) to the instant sink, from its 202 to
 * COMPLETED; the median of 3 runs (quick: 2). This includes the start of delivery and the last chunks, so it is
 * not the steady rate (see "delivery"): it is how long a small backlog takes.
 */
public final class DrainScenario implements Scenario {

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        List<JsonObject> runs = new ArrayList<>();
        for (int i = 0; i < (ctx.quick() ? 2 : 3); i++) {
            runs.add(DeliverOneImport.deliver(ctx, ctx.hookline(), i == 0 ? "drain" : "drain" + i, 100_000, 100));
        }
        List<Double> seconds = runs.stream().map(r -> r.getDouble("seconds")).toList();
        List<Double> rates =
                runs.stream().map(r -> r.getDouble("chunksPerSecond")).toList();
        double secs = Numbers.median(seconds);
        double rate = Numbers.median(rates);
        ctx.deliveryRateEstimate(rate);
        int chunks = runs.get(0).getInteger("chunks");
        return new JsonObject()
                .put("runs", new JsonArray(new ArrayList<>(runs)))
                .put("chunks", chunks)
                .put("chunksPerSecond", round(rate, 1))
                .put("figure", round(secs, 3))
                .put("unit", "s for " + chunks + " chunks, 202 -> COMPLETED")
                .put("ceilingWhat", "none (a reference figure; the steady rate is in delivery)")
                .put("goals", new JsonArray().add(Goal.of("none", null)))
                .put(
                        "summary",
                        String.format(
                                "%d chunks drained in %.2f s (median of %s s), %.0f chunks/s from the 202 "
                                        + "to COMPLETED",
                                chunks, secs, seconds, rate));
    }
}
