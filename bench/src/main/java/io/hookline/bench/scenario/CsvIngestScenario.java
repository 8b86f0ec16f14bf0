package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.data.Records;
import io.hookline.bench.http.Posted;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The records of the ingest scenario as CSV (a header row of the keys, then one row per record), posted with
 * Content-Type text/csv and ?template=CODE: MB/s of the CSV body to the 202, and the time against psql \copy of
 * the same records (the ingest scenario's ceiling). CSV is about 30 % smaller than the same records in JSON, so
 * the ratio compares times for the same records (copy seconds / Hookline seconds), not megabytes per second.
 * A server that answers 415 has no CSV ingest: the scenario says so and the run goes on.
 */
public final class CsvIngestScenario implements Scenario {

    @Override
    public String name() {
        return "csv-ingest";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int n = IngestScenario.records(ctx);
        Path body = ctx.files().csv(n);
        long bytes = Files.size(body);
        Posted p;
        String quiet;
        try (QuietDestination d = QuietDestination.create(ctx, "ingestcsv", CopyCeiling.CHUNK_SIZE)) {
            quiet = d.how();
            Path probe = ctx.work().resolve("probe.csv");
            StringBuilder sb = new StringBuilder(String.join(",", Records.KEYS)).append("\r\n");
            Records.csv(sb, 0);
            Files.writeString(probe, sb);
            Posted first = ctx.api().postCsv(ctx.hookline(), "ingestcsv", probe);
            if (first.status() == 415) {
                return new JsonObject()
                        .put("supported", false)
                        .put("probeStatus", 415)
                        .put("probeAnswer", first.body())
                        .put("goals", new JsonArray().add(Goal.of("ratio >= 0.50", null)))
                        .put("summary", "not supported by this server (a text/csv import answered 415)");
            }
            first.expectAccepted("CSV probe (1 record)");
            p = ctx.api().postCsv(ctx.hookline(), "ingestcsv", body);
        }
        p.expectAccepted("CSV ingest");
        CopyCeiling.Result copy = ctx.copyCeiling().measure(n, 1);
        double mbs = bytes / 1e6 / p.seconds();
        double ratio = copy.seconds() / p.seconds();
        return new JsonObject()
                .put("supported", true)
                .put("records", n)
                .put("bodyBytes", bytes)
                .put("seconds", round(p.seconds(), 3))
                .put("totalPages", p.totalPages())
                .put("deliveries", quiet)
                .put("recordsPerSecond", round(n / p.seconds(), 0))
                .put("figure", round(mbs, 1))
                .put("unit", "MB/s of CSV")
                .put("ceiling", round(copy.megabytesPerSecond(), 1))
                .put("ceilingWhat", copy.what() + "; ratio = copy seconds / CSV seconds for the same records")
                .put("ceilingSeconds", round(copy.seconds(), 3))
                .put("ratio", round(ratio, 3))
                .put("goals", new JsonArray().add(Goal.of("ratio >= 0.50", ratio >= 0.5)))
                .put(
                        "summary",
                        String.format(
                                "%.1f MB/s of CSV to the 202 (%d records, %.1f MB, %.2f s); psql \\copy of "
                                        + "the same records %.2f s; ratio %.2f (goal >= 0.50)",
                                mbs, n, bytes / 1e6, p.seconds(), copy.seconds(), ratio));
    }
}
