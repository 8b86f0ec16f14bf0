package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.data.ImportFiles;
import io.hookline.bench.http.Posted;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * End to end against the naive loop: one import of 1,000,000 records (quick: 200,000), ingested and delivered by
 * Hookline (POST to COMPLETED, wall time), against a loop that POSTs the same pages, built as Hookline builds them,
 * one by one to the same receiver and awaits each answer (the way the system Hookline replaces sends). The ratio is
 * naive time / Hookline time.
 *
 * <p>Twice: with a receiver that takes 20 ms to answer a page (a backend that stores 100 records; the goal is
 * measured there), and with the bench's instant sink on loopback, where a loop's round trip costs a fraction of a
 * millisecond and no sender can win much: that figure is reported beside it, to read the first one by.
 */
public final class EndToEndScenario implements Scenario {

    private static final int CHUNK_SIZE = 100;
    private static final double GOAL = 10;
    private static final int RECEIVER_MS = 20;

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        int n = ctx.quick() ? 200_000 : 1_000_000;
        naiveLoop(ctx, "e2e-naive-warmup", 500, n); // the loop's JIT, not measured
        JsonObject slow = compare(ctx, "e2e20", n, "delay=" + RECEIVER_MS);
        JsonObject instant = compare(ctx, "e2e", n);
        double ratio = slow.getDouble("ratio");
        return new JsonObject()
                .put("records", n)
                .put("receiverMs", RECEIVER_MS)
                .put("withReceiverLatency", slow)
                .put("instantSink", instant)
                .put("figure", slow.getDouble("hooklineSeconds"))
                .put("unit", "s, POST to COMPLETED, receiver answering in " + RECEIVER_MS + " ms")
                .put("ceiling", slow.getDouble("naiveSeconds"))
                .put(
                        "ceilingWhat",
                        "the naive loop: the same " + slow.getInteger("chunks") + " pages POSTed one by one to the "
                                + "same receiver, each awaited; ratio = naive / Hookline")
                .put("ratio", round(ratio, 2))
                .put("goals", new JsonArray().add(Goal.of("naive / Hookline >= 10", ratio >= GOAL)))
                .put(
                        "summary",
                        String.format(
                                "%d records, receiver answering in %d ms: Hookline %.2f s (ingest %.2f s + "
                                        + "delivery %.2f s), naive loop %.2f s, naive / Hookline %.2f (goal >= 10); with the instant sink: "
                                        + "Hookline %.2f s, naive %.2f s, ratio %.2f",
                                n,
                                RECEIVER_MS,
                                slow.getDouble("hooklineSeconds"),
                                slow.getDouble("ingestSeconds"),
                                slow.getDouble("deliverySeconds"),
                                slow.getDouble("naiveSeconds"),
                                ratio,
                                instant.getDouble("hooklineSeconds"),
                                instant.getDouble("naiveSeconds"),
                                instant.getDouble("ratio")));
    }

    /** One import through Hookline, then the naive loop over the same pages, to a receiver with these options. */
    private static JsonObject compare(RunContext ctx, String tag, int n, String... sinkOptions) throws Exception {
        Path body = ctx.files().json(tag, n);
        ctx.api().putDestination(ctx.hookline(), tag, ctx.destination(tag, CHUNK_SIZE, sinkOptions));
        Posted p = ctx.api().postJson(ctx.hookline(), body).expectAccepted(tag + " import");
        JsonObject done = ctx.api().awaitDone(ctx.hookline(), p.uploadId(), ctx.quick() ? 300 : 900);
        long hooklineEnd = System.nanoTime();
        double hooklineSecs = (hooklineEnd - p.startNanos()) / 1e9;
        int pages = p.totalPages();
        long n0 = System.nanoTime();
        naiveLoop(ctx, tag + "-naive", pages, n, sinkOptions);
        double naiveSecs = (System.nanoTime() - n0) / 1e9;
        return new JsonObject()
                .put("chunks", pages)
                .put("bodyBytes", Files.size(body))
                .put("hooklineSeconds", round(hooklineSecs, 3))
                .put("ingestSeconds", round(p.seconds(), 3))
                .put("deliverySeconds", round((hooklineEnd - p.endNanos()) / 1e9, 3))
                .put("status", done.getString("status"))
                .put("sinkReceived", ctx.sink().stats(tag).getLong("count"))
                .put("naiveSeconds", round(naiveSecs, 3))
                .put("naiveRequestsPerSecond", round(pages / naiveSecs, 1))
                .put("naiveSinkReceived", ctx.sink().stats(tag + "-naive").getLong("count"))
                .put("ratio", round(naiveSecs / hooklineSecs, 2));
    }

    /** POSTs pages 1..pages of the import, built on the way as Hookline builds them, one at a time. */
    private static void naiveLoop(RunContext ctx, String tag, int pages, int totalRecords, String... sinkOptions)
            throws Exception {
        URI target = URI.create(ctx.sink().callback(tag, sinkOptions));
        for (int page = 1; page <= pages; page++) {
            String chunk = ImportFiles.chunkBody("e2e", "naive-loop", totalRecords, CHUNK_SIZE, page);
            HttpRequest req = HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chunk))
                    .build();
            int status = ctx.api()
                    .http()
                    .send(req, HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status / 100 != 2) {
                throw new IllegalStateException("naive loop: page " + page + " answered " + status);
            }
        }
    }
}
