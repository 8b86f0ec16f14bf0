package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.http.Posted;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** rateLimit 50, 500 chunks of 1 record: the most requests the sink saw in any 1-second window, and the mean rate. */
public final class RateScenario implements Scenario {

    @Override
    public String name() {
        return "rate";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        String t = "rate";
        int n = 500; // 10 s at 50/s when the limit holds
        ctx.api()
                .putDestination(
                        ctx.hookline(), t, ctx.destination(t, 1, "rec=1").put("rateLimit", 50));
        Posted p = ctx.api().postJson(ctx.hookline(), ctx.files().json(t, n)).expectAccepted("rate import");
        JsonObject done = ctx.api().awaitDone(ctx.hookline(), p.uploadId(), 30);
        List<Long> times = ctx.sink().receiptTimes(t);
        int maxWindow = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= 1_000_000_000L) {
                j++;
            }
            maxWindow = Math.max(maxWindow, i - j + 1);
        }
        double span = times.size() > 1 ? (times.get(times.size() - 1) - times.get(0)) / 1e9 : 0;
        double mean = span > 0 ? (times.size() - 1) / span : 0;
        boolean enforced = maxWindow <= 52;
        return new JsonObject()
                .put("chunks", n)
                .put("received", times.size())
                .put("status", done.getString("status"))
                .put("maxInAnySecond", maxWindow)
                .put("meanPerSecond", round(mean, 1))
                .put("spanSeconds", round(span, 2))
                .put("enforced", enforced)
                .put("figure", maxWindow)
                .put("unit", "max requests in any 1 s")
                .put("ceiling", 52)
                .put("ceilingWhat", "goal: no 1-second window over 52, mean >= 47.5/s")
                .put("ratio", round(maxWindow / 52.0, 3))
                .put(
                        "goals",
                        new JsonArray()
                                .add(Goal.of("<= 52 in every 1 s window", enforced))
                                .add(Goal.of("mean >= 47.5/s", mean >= 47.5)))
                .put(
                        "summary",
                        String.format(
                                "rateLimit 50: max %d in any 1 s window, mean %.1f/s over %.1f s%s "
                                        + "(goal <= 52, mean >= 47.5)",
                                maxWindow, mean, span, enforced ? "" : " — NOT ENFORCED"));
    }
}
