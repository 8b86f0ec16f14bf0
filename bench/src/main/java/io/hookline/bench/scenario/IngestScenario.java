package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.http.Posted;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/** One POST /v1/imports of N records of 250 B: MB/s of the body to the 202, against psql \copy of the records. */
public final class IngestScenario implements Scenario {

    static int records(RunContext ctx) {
        return ctx.quick() ? 200_000 : 1_000_000;
    }

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int n = records(ctx);
        Path body = ctx.files().json("ingest", n);
        long bytes = Files.size(body);
        CopyCeiling.Result copy = ctx.copyCeiling().measure(n, 1);
        Posted p;
        String jfr;
        String quiet;
        try (QuietDestination d = QuietDestination.create(ctx, "ingest", CopyCeiling.CHUNK_SIZE)) {
            quiet = d.how();
            ctx.jfr().start(ctx.hookline(), "ingest");
            p = ctx.api().postJson(ctx.hookline(), body);
            jfr = ctx.jfr().stop(ctx.hookline(), "ingest");
        }
        p.expectAccepted("ingest");
        double mbs = bytes / 1e6 / p.seconds();
        double ceiling = copy.megabytesPerSecond();
        double ratio = mbs / ceiling;
        JsonObject r = new JsonObject()
                .put("records", n)
                .put("bodyBytes", bytes)
                .put("seconds", round(p.seconds(), 3))
                .put("totalPages", p.totalPages())
                .put("deliveries", quiet)
                .put("figure", round(mbs, 1))
                .put("unit", "MB/s")
                .put("ceiling", round(ceiling, 1))
                .put("ceilingWhat", copy.what())
                .put("ceilingSeconds", round(copy.seconds(), 3))
                .put("ratio", round(ratio, 3))
                .put("goals", new JsonArray().add(Goal.of("ratio >= 0.50", ratio >= 0.5)))
                .put(
                        "summary",
                        String.format(
                                "%.1f MB/s to the 202 (%d records, %.1f MB); ceiling psql \\copy %.1f MB/s;"
                                        + " ratio %.2f (goal >= 0.50)",
                                mbs, n, bytes / 1e6, ceiling, ratio));
        return jfr == null ? r : r.put("jfr", jfr);
    }
}
