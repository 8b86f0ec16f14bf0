package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.process.RunningProcess;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Scale-out: the steady delivery rate (as in "delivery") of one busy destination and of two busy destinations,
 * each with one and with two Hookline instances on one database: four figures. Every destination has a sink tag
 * of its own. A server that sends to each destination from one instance at a time should show about the same rate
 * for one destination on two instances as on one, and two destinations split between two instances. The second
 * instance is warmed up by an unmeasured pass of two destinations on two instances before its figures.
 */
public final class ScaleOutScenario implements Scenario {

    private static final List<String> ONE = List.of("busy-a");
    private static final List<String> TWO = List.of("busy-a", "busy-b");

    @Override
    public String name() {
        return "scaleout";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int chunks = ctx.quick()
                ? SteadyDelivery.backlogChunks(ctx, 3, 8_000, 20_000, 2)
                : SteadyDelivery.backlogChunks(ctx, 6, 16_000, 40_000, 2);
        RunningProcess h1 = ctx.hookline();
        JsonObject oneOne = measure(ctx, ONE, chunks, List.of(h1));
        JsonObject twoOne = measure(ctx, TWO, chunks, List.of(h1));
        RunningProcess h2 = ctx.launcher().hookline("bench-2", null);
        JsonObject warm;
        JsonObject oneTwo;
        JsonObject twoTwo;
        try {
            // Not measured: the second instance has only just started, and one destination on two instances gives it
            // nothing to send (the destination stays with its owner), so without this pass its JIT compiler would
            // be compiling the delivery path during the two-destination figure.
            warm = measure(ctx, TWO, chunks, List.of(h1, h2));
            oneTwo = measure(ctx, ONE, chunks, List.of(h1, h2));
            twoTwo = measure(ctx, TWO, chunks, List.of(h1, h2));
        } finally {
            ctx.launcher().stop(h2);
        }
        double a = rate(oneOne);
        double b = rate(twoOne);
        double c = rate(oneTwo);
        double d = rate(twoTwo);
        JsonObject figures = new JsonObject()
                .put("oneDestinationOneInstance", round(a, 1))
                .put("twoDestinationsOneInstance", round(b, 1))
                .put("oneDestinationTwoInstances", round(c, 1))
                .put("twoDestinationsTwoInstances", round(d, 1));
        JsonObject ratios = new JsonObject()
                .put("twoInstancesOverOne_oneDestination", round(c / a, 3))
                .put("twoInstancesOverOne_twoDestinations", round(d / b, 3))
                .put("twoDestinationsOverOne_oneInstance", round(b / a, 3))
                .put("twoDestinationsOverOne_twoInstances", round(d / c, 3));
        return new JsonObject()
                .put("backlogChunksPerFigure", chunks)
                .put("figures", figures)
                .put("ratios", ratios)
                .put(
                        "runs",
                        new JsonObject()
                                .put("oneDestinationOneInstance", trim(oneOne))
                                .put("twoDestinationsOneInstance", trim(twoOne))
                                .put("oneDestinationTwoInstances", trim(oneTwo))
                                .put("twoDestinationsTwoInstances", trim(twoTwo)))
                .put("warmPassTwoDestinationsTwoInstances", rate(warm))
                .put("measuredWith", oneOne.getJsonObject("backlog").getString("built"))
                .put("figure", round(d, 1))
                .put("unit", "chunks/s steady, 2 destinations on 2 instances")
                .put("ceiling", round(b, 1))
                .put("ceilingWhat", "the same 2 destinations on 1 instance")
                .put("ratio", round(d / b, 3))
                .put(
                        "goals",
                        new JsonArray()
                                .add(Goal.of(
                                        "one instance drives one destination at >= 10,000 chunks/s",
                                        a >= DeliveryScenario.STEP_GOAL))
                                .add(Goal.of("two instances split two destinations: ratio reported", null)))
                .put(
                        "summary",
                        String.format(
                                "steady chunks/s: 1 destination on 1 instance %.0f, on 2 instances %.0f "
                                        + "(x%.2f); 2 destinations on 1 instance %.0f, on 2 instances %.0f (x%.2f); backlog %d chunks each",
                                a, c, c / a, b, d, d / b, chunks));
    }

    private static JsonObject measure(
            RunContext ctx, List<String> templates, int chunks, List<RunningProcess> instances) throws Exception {
        return SteadyDelivery.run(
                ctx, new SteadyDelivery.Plan(templates, chunks / templates.size(), instances, false, null));
    }

    private static double rate(JsonObject steady) {
        return steady.getJsonObject("chunksPerSecond").getDouble("median");
    }

    /** A run without its series: the four would make the result long and the chart is the delivery scenario's. */
    private static JsonObject trim(JsonObject steady) {
        JsonObject t = steady.copy();
        t.remove("series");
        return t;
    }
}
