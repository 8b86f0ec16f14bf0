package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.data.Records;
import io.hookline.bench.http.Posted;
import io.hookline.bench.machine.ProcStat;
import io.hookline.bench.machine.RssSampler;
import io.hookline.bench.process.RunningProcess;
import io.hookline.bench.result.Goal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A big import (1 GiB; quick: 128 MiB) through an instance started with -Xmx256m, alone on the database:
 * completed or not, OutOfMemoryError in its log or not, peak RSS (VmHWM).
 */
public final class MemoryScenario implements Scenario {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public JsonObject run(RunContext ctx) throws Exception {
        long target = ctx.quick() ? 128L << 20 : 1L << 30;
        int n = (int) (target / (Records.RECORD_BYTES + 1));
        ctx.launcher().stop(ctx.hookline()); // alone on the database, so its RSS is its own work
        ctx.hookline(null);
        RunningProcess h = ctx.launcher().hookline("bench-mem", "-Xmx256m");
        try {
            ctx.api().putDestination(h, "memory", ctx.destination("memory", 100));
            Path body = ctx.files().json("memory", n);
            long bytes = Files.size(body);
            JsonArray rss;
            Posted p;
            String status;
            double deliverSecs = 0;
            Long hwm;
            try (RssSampler sampler = new RssSampler(h.pid())) {
                p = ctx.api().postJson(h, body);
                if (p.status() >= 500) { // the shared database went away under us: let the run try again
                    throw new IllegalStateException("memory import answered " + p.status() + " " + p.body());
                }
                status = "NOT ACCEPTED (" + p.status() + ")";
                if (p.status() == 202) {
                    status = ctx.api()
                            .awaitDone(h, p.uploadId(), ctx.quick() ? 150 : 600)
                            .getString("status");
                    deliverSecs = (System.nanoTime() - p.endNanos()) / 1e9;
                }
                hwm = ProcStat.statusKb(h.pid(), "VmHWM");
                rss = sampler.series();
            }
            boolean oom = Files.readString(h.log()).contains("OutOfMemoryError");
            double peak = hwm == null ? -1 : hwm / 1024.0;
            boolean completed = "COMPLETED".equals(status);
            return new JsonObject()
                    .put("bodyBytes", bytes)
                    .put("records", n)
                    .put("heap", "-Xmx256m")
                    .put("ingestSeconds", round(p.seconds(), 2))
                    .put("deliverySeconds", round(deliverSecs, 2))
                    .put("status", status)
                    .put("completed", completed)
                    .put("outOfMemoryError", oom)
                    .put("rssSeries", rss)
                    .put("figure", round(peak, 1))
                    .put("unit", "MiB peak RSS (VmHWM)")
                    .put("ceiling", 512)
                    .put("ceilingWhat", "goal: RSS under 512 MiB")
                    .put("ratio", round(peak / 512, 3))
                    .put(
                            "goals",
                            new JsonArray()
                                    .add(Goal.of("completes, no OOM, RSS < 512 MiB", completed && !oom && peak < 512)))
                    .put(
                            "summary",
                            String.format(
                                    "%.0f MiB import with -Xmx256m: %s, OOM %s, peak RSS %.0f MiB (goal < 512)",
                                    bytes / 1048576.0, status, oom ? "yes" : "no", peak));
        } finally {
            ctx.launcher().stop(h);
        }
    }
}
