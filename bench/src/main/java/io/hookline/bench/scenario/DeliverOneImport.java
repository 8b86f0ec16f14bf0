package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.http.Posted;
import io.hookline.bench.process.RunningProcess;
import io.vertx.core.json.JsonObject;

/**
 * One import of n records to an instant sink, from its 202 to COMPLETED (the import's status, polled every
 * 20 ms): the drain time of a small backlog, including the start of delivery. Used by the drain, isolation and
 * warm-up.
 */
final class DeliverOneImport {

    private DeliverOneImport() {}

    static JsonObject deliver(RunContext ctx, RunningProcess h, String template, int n, int chunkSize)
            throws Exception {
        ctx.api().putDestination(h, template, ctx.destination(template, chunkSize));
        long sinkBefore = ctx.sink().stats(template).getLong("count");
        Posted p = ctx.api().postJson(h, ctx.files().json(template, n)).expectAccepted(template + " import");
        JsonObject done = ctx.api().awaitDone(h, p.uploadId(), ctx.quick() ? 120 : 300);
        double secs = (System.nanoTime() - p.endNanos()) / 1e9;
        return new JsonObject()
                .put("records", n)
                .put("chunkSize", chunkSize)
                .put("chunks", p.totalPages())
                .put("status", done.getString("status"))
                .put("seconds", round(secs, 3))
                .put("chunksPerSecond", round(p.totalPages() / secs, 1))
                .put("ingestSeconds", round(p.seconds(), 3))
                .put("sinkReceived", ctx.sink().stats(template).getLong("count") - sinkBefore);
    }
}
