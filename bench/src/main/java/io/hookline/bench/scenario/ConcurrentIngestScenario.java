package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.http.Posted;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Eight clients each POST a 100 MB JSON import (quick: 25 MB) at once: aggregate MB/s from the first byte sent
 * to the last 202, against eight parallel psql \copy of the same records in the same run.
 */
public final class ConcurrentIngestScenario implements Scenario {

    private static final int CLIENTS = 8;

    @Override
    public String name() {
        return "concurrent-ingest";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int n = ctx.quick() ? 100_000 : 400_000; // 250 B a record: 25 MB, 100 MB
        Path body = ctx.files().json("ingestc", n);
        long bytes = Files.size(body);
        CopyCeiling.Result copy = ctx.copyCeiling().measure(n, CLIENTS);
        List<Posted> answers = new ArrayList<>();
        String quiet;
        long start;
        try (QuietDestination d = QuietDestination.create(ctx, "ingestc", CopyCeiling.CHUNK_SIZE)) {
            quiet = d.how();
            List<CompletableFuture<Posted>> posts = new ArrayList<>();
            start = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++) {
                posts.add(ctx.api().postFileAsync(ctx.hookline(), "/v1/imports", "application/json", body));
            }
            for (CompletableFuture<Posted> p : posts) {
                answers.add(p.get());
            }
        }
        long end = answers.stream().mapToLong(Posted::endNanos).max().orElseThrow();
        double secs = (end - start) / 1e9;
        Map<Integer, Integer> statuses = new TreeMap<>();
        answers.forEach(p -> statuses.merge(p.status(), 1, Integer::sum));
        long accepted = answers.stream().filter(p -> p.status() == 202).count();
        double mbs = accepted * bytes / 1e6 / secs;
        double ceiling = copy.megabytesPerSecond();
        double ratio = mbs / ceiling;
        JsonArray each = new JsonArray();
        answers.forEach(p ->
                each.add(new JsonObject().put("status", p.status()).put("seconds", round(p.seconds(), 3))));
        JsonObject byStatus = new JsonObject();
        statuses.forEach((k, v) -> byStatus.put(Integer.toString(k), v));
        return new JsonObject()
                .put("clients", CLIENTS)
                .put("recordsEach", n)
                .put("bodyBytesEach", bytes)
                .put("seconds", round(secs, 3))
                .put("statuses", byStatus)
                .put("uploads", each)
                .put("deliveries", quiet)
                .put("figure", round(mbs, 1))
                .put("unit", "MB/s, " + CLIENTS + " uploads at once")
                .put("ceiling", round(ceiling, 1))
                .put("ceilingWhat", copy.what())
                .put("ceilingSeconds", round(copy.seconds(), 3))
                .put("ratio", round(ratio, 3))
                .put(
                        "goals",
                        new JsonArray()
                                .add(Goal.of("all " + CLIENTS + " accepted", accepted == CLIENTS))
                                .add(Goal.of("ratio >= 0.50 (the ingest goal)", ratio >= 0.5)))
                .put(
                        "summary",
                        String.format(
                                "%d x %.1f MB at once: %.1f MB/s to the last answer, %d of %d accepted %s; "
                                        + "ceiling %d parallel psql \\copy %.1f MB/s; ratio %.2f (goal >= 0.50)",
                                CLIENTS, bytes / 1e6, mbs, accepted, CLIENTS, statuses, CLIENTS, ceiling, ratio));
    }
}
