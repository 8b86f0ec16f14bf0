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
 * one by one to the same sink and awaits each answer (the way the system Hookline replaces sends). The ratio is
 * naive time / Hookline time.
 */
public final class EndToEndScenario implements Scenario {

  private static final int CHUNK_SIZE = 100;
  private static final double GOAL = 10;

  @Override
  public String name() {
    return "e2e";
  }

  @Override
  public JsonObject run(RunContext ctx) throws Exception {
    int n = ctx.quick() ? 200_000 : 1_000_000;
    Path body = ctx.files().json("e2e", n);
    ctx.api().putDestination(ctx.hookline(), "e2e", ctx.destination("e2e", CHUNK_SIZE));
    Posted p = ctx.api().postJson(ctx.hookline(), body).expectAccepted("e2e import");
    JsonObject done = ctx.api().awaitDone(ctx.hookline(), p.uploadId(), ctx.quick() ? 300 : 900);
    long hooklineEnd = System.nanoTime();
    double hooklineSecs = (hooklineEnd - p.startNanos()) / 1e9;
    int pages = p.totalPages();

    naiveLoop(ctx, "e2e-naive-warmup", Math.min(pages, 500), n); // the loop's JIT, not measured
    long n0 = System.nanoTime();
    naiveLoop(ctx, "e2e-naive", pages, n);
    double naiveSecs = (System.nanoTime() - n0) / 1e9;
    double ratio = naiveSecs / hooklineSecs;
    return new JsonObject().put("records", n).put("chunks", pages).put("bodyBytes", Files.size(body))
        .put("hookline", new JsonObject().put("seconds", round(hooklineSecs, 3))
            .put("ingestSeconds", round(p.seconds(), 3))
            .put("deliverySeconds", round((hooklineEnd - p.endNanos()) / 1e9, 3))
            .put("status", done.getString("status"))
            .put("sinkReceived", ctx.sink().stats("e2e").getLong("count")))
        .put("naive", new JsonObject().put("seconds", round(naiveSecs, 3))
            .put("requestsPerSecond", round(pages / naiveSecs, 1))
            .put("sinkReceived", ctx.sink().stats("e2e-naive").getLong("count")))
        .put("figure", round(hooklineSecs, 2)).put("unit", "s, POST to COMPLETED")
        .put("ceiling", round(naiveSecs, 2))
        .put("ceilingWhat", "the naive loop: the same " + pages + " pages POSTed one by one, each awaited; "
            + "ratio = naive / Hookline")
        .put("ratio", round(ratio, 2))
        .put("goals", new JsonArray().add(Goal.of("naive / Hookline >= 10", ratio >= GOAL)))
        .put("summary", String.format("%d records: Hookline %.2f s (ingest %.2f s + delivery %.2f s, %s); naive "
                + "loop %.2f s (%.0f requests/s); naive / Hookline %.2f (goal >= 10)", n, hooklineSecs, p.seconds(),
            (hooklineEnd - p.endNanos()) / 1e9, done.getString("status"), naiveSecs, pages / naiveSecs, ratio));
  }

  /** POSTs pages 1..pages of the import, built on the way as Hookline builds them, one at a time. */
  private static void naiveLoop(RunContext ctx, String tag, int pages, int totalRecords) throws Exception {
    URI target = URI.create(ctx.sink().callback(tag));
    for (int page = 1; page <= pages; page++) {
      String chunk = ImportFiles.chunkBody("e2e", "naive-loop", totalRecords, CHUNK_SIZE, page);
      HttpRequest req = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chunk)).build();
      int status = ctx.api().http().send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
      if (status / 100 != 2) {
        throw new IllegalStateException("naive loop: page " + page + " answered " + status);
      }
    }
  }
}
