package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.hookline.bench.http.HooklineClient;
import io.hookline.bench.http.Posted;
import io.hookline.bench.machine.CpuMeter;
import io.hookline.bench.machine.PgActivitySampler;
import io.hookline.bench.machine.ProcStat;
import io.hookline.bench.process.RunningProcess;
import io.hookline.bench.result.Numbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Delivery in steady state: a backlog of chunks of 100 records (25 KB) per destination, delivered to the instant
 * sink, and the rate at which chunks are committed as delivered, read from the database every 250 ms.
 *
 * <p>The backlog is built with the destinations paused ({@code POST .../destination/pause}), then they are
 * resumed. A server without that route (404/405) has its requests held at the sink while the imports are posted,
 * then let go. Either way the first seconds of delivery are skipped, and the measurement ends when 95 % of the
 * backlog is delivered (what follows is the drain of the last chunks, not the steady state). Over the same windows:
 * the sink's arrival rate (a cross-check of the committed rate) and the CPU of every process.
 */
final class SteadyDelivery {

    static final int CHUNK_SIZE = 100;
    private static final int MAX_CHUNKS_PER_IMPORT = 2_000;
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final double STEADY_UNTIL_DELIVERED = 0.95;
    private static final int MIN_WINDOWS = 4;
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * @param diagnostics also sample pg_stat_activity and keep the sink's receive times (arrival bursts)
     * @param profileName with --profile, the name of the JFR recording of the delivery phase; null for none
     */
    record Plan(
            List<String> templates,
            int chunksPerTemplate,
            List<RunningProcess> instances,
            boolean diagnostics,
            String profileName) {}

    private record Tick(long nanos, Map<String, Long> delivered, JsonObject sinkCounts, CpuMeter.Snapshot cpu) {
        long total() {
            return delivered.values().stream().mapToLong(Long::longValue).sum();
        }

        long sinkTotal() {
            return sinkCounts.stream()
                    .mapToLong(e -> ((Number) e.getValue()).longValue())
                    .sum();
        }
    }

    private SteadyDelivery() {}

    /**
     * How many chunks a backlog needs for a steady phase of about {@code seconds} at the last measured rate, within
     * [min, max], rounded up to whole imports for each of {@code templates} destinations.
     */
    static int backlogChunks(RunContext ctx, double seconds, int min, int max, int templates) {
        double wanted = ctx.deliveryRateEstimate() * 1.3 * (skipSeconds(ctx) + seconds);
        int chunks = (int) Math.max(min, Math.min(max, wanted));
        int unit = MAX_CHUNKS_PER_IMPORT * templates;
        return (chunks + unit - 1) / unit * unit;
    }

    static double skipSeconds(RunContext ctx) {
        return ctx.quick() ? 1.0 : 2.0;
    }

    static JsonObject run(RunContext ctx, Plan plan) throws Exception {
        HooklineClient api = ctx.api();
        RunningProcess h = plan.instances().get(0);
        List<String> templates = plan.templates();
        for (String t : templates) {
            api.putDestination(
                    h,
                    t,
                    plan.diagnostics() ? ctx.destination(t, CHUNK_SIZE, "rec=1") : ctx.destination(t, CHUNK_SIZE));
        }
        boolean paused = true;
        for (String t : templates) {
            paused = paused && api.pause(h, t);
        }
        // A server without pause (the first release): its requests are held unanswered at the sink while the backlog is
        // posted (a long timeout, so none fails meanwhile), so the backlog builds up all the same; at most its cap of
        // chunks go out early, and are answered when the rest is let go.
        boolean held = !paused;
        if (held) {
            for (String t : templates) {
                api.putDestination(
                        h, t, ctx.destination(t, CHUNK_SIZE, "hold=1").put("timeoutMs", 300_000));
            }
        }
        boolean built = paused || held;
        // Imports of 2,000 chunks (50 MB), so that the body files are few and kept between runs; "at least" chunks.
        int chunksPerImport = Math.min(plan.chunksPerTemplate(), MAX_CHUNKS_PER_IMPORT);
        int importsPerTemplate = (plan.chunksPerTemplate() + chunksPerImport - 1) / chunksPerImport;
        Map<String, Path> bodies = new LinkedHashMap<>();
        for (String t : templates) {
            bodies.put(t, ctx.files().json(t, chunksPerImport * CHUNK_SIZE));
        }
        double skip = skipSeconds(ctx);

        try (DeliveredCounter counter = new DeliveredCounter(ctx.dbUrl(), api, h);
                PgActivitySampler activity = plan.diagnostics() ? new PgActivitySampler(ctx.dbUrl()) : null) {
            Set<Long> benchBackends = new HashSet<>(Set.of(counter.backendPid()));
            if (activity != null) {
                benchBackends.add(activity.backendPid());
            }
            CpuMeter cpu = new CpuMeter(plan.instances(), ctx.sinkProcess(), ctx.dbName(), benchBackends);
            long clockSkew = ctx.sink().clockSkewNanos();

            Map<String, String> imports = new LinkedHashMap<>();
            long totalChunks = 0;
            Posted last = null;
            for (int i = 0; i < importsPerTemplate; i++) {
                for (String t : templates) {
                    last = api.postJson(h, bodies.get(t)).expectAccepted("backlog import of " + t);
                    imports.put(last.uploadId(), t);
                    totalChunks += last.totalPages();
                }
            }
            counter.track(imports);
            long jitWaitMs = 0;
            if (built) {
                for (RunningProcess p : plan.instances()) {
                    jitWaitMs += ProcStat.awaitJitQuiet(p.pid(), 30_000);
                }
            }
            if (activity != null) {
                activity.start(Set.of(counter.backendPid()));
            }
            if (plan.profileName() != null) {
                ctx.jfr().start(h, plan.profileName());
            }

            List<Tick> ticks = new ArrayList<>();
            ticks.add(tick(ctx, counter, templates, cpu));
            if (paused) {
                for (String t : templates) {
                    api.resume(h, t);
                }
            }
            if (held) {
                for (String t : templates) {
                    api.putDestination(
                            h,
                            t,
                            plan.diagnostics()
                                    ? ctx.destination(t, CHUNK_SIZE, "rec=1")
                                    : ctx.destination(t, CHUNK_SIZE));
                    ctx.sink().release(t);
                }
            }
            long next = System.nanoTime();
            long lastProgress = next;
            while (ticks.get(ticks.size() - 1).total() < totalChunks) {
                next += WINDOW_NANOS;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                if (held) {
                    // requests the server had prepared with the holding URL before it took the new one: let them go too
                    for (String t : templates) {
                        ctx.sink().release(t);
                    }
                }
                Tick k = tick(ctx, counter, templates, cpu);
                if (k.total() > ticks.get(ticks.size() - 1).total()) {
                    lastProgress = k.nanos();
                } else if (k.nanos() - lastProgress > STUCK_NANOS) {
                    throw new IllegalStateException("no chunk counted as delivered for 60 s (" + k.total() + " of "
                            + totalChunks + " by " + counter.source() + "); sink received " + k.sinkCounts());
                }
                ticks.add(k);
            }
            String jfr = plan.profileName() == null ? null : ctx.jfr().stop(h, plan.profileName());

            // The windows: from the first movement, skip, until 95 % delivered.
            int moved = 0;
            if (built) {
                while (moved < ticks.size() - 1
                        && ticks.get(moved + 1).total() == ticks.get(0).total()) {
                    moved++;
                }
            }
            long t0 = ticks.get(moved).nanos();
            int from = moved;
            while (from < ticks.size() - 1 && ticks.get(from).nanos() < t0 + (long) (skip * 1e9)) {
                from++;
            }
            int to = from;
            while (to < ticks.size() - 1 && ticks.get(to).total() < STEADY_UNTIL_DELIVERED * totalChunks) {
                to++;
            }
            boolean shortPhase = to - from < MIN_WINDOWS;
            if (shortPhase) { // too fast for a skip: take the whole delivery, and say so
                from = moved;
                to = ticks.size() - 1;
            }

            List<Double> rates = new ArrayList<>();
            List<Double> sinkRates = new ArrayList<>();
            JsonArray series = new JsonArray();
            long origin = ticks.get(0).nanos();
            for (int i = 0; i + 1 < ticks.size(); i++) {
                Tick a = ticks.get(i);
                Tick b = ticks.get(i + 1);
                double dt = (b.nanos() - a.nanos()) / 1e9;
                double rate = (b.total() - a.total()) / dt;
                double sinkRate = (b.sinkTotal() - a.sinkTotal()) / dt;
                series.add(new JsonArray()
                        .add(round((b.nanos() - origin) / 1e9, 2))
                        .add(round(rate, 0))
                        .add(round(sinkRate, 0)));
                if (i >= from && i < to) {
                    rates.add(rate);
                    sinkRates.add(sinkRate);
                }
            }
            Tick a = ticks.get(from);
            Tick b = ticks.get(to);
            double span = (b.nanos() - a.nanos()) / 1e9;
            JsonObject byTemplate = new JsonObject();
            for (String t : templates) {
                byTemplate.put(
                        t,
                        round((b.delivered().getOrDefault(t, 0L) - a.delivered().getOrDefault(t, 0L)) / span, 1));
            }

            Map<String, Integer> statuses = new TreeMap<>();
            for (String id : imports.keySet()) {
                statuses.merge(api.awaitDone(h, id, 120).getString("status"), 1, Integer::sum);
            }
            JsonObject out = new JsonObject()
                    .put("templates", new JsonArray(new ArrayList<>(templates)))
                    .put(
                            "instances",
                            new JsonArray(plan.instances().stream()
                                    .map(RunningProcess::name)
                                    .toList()))
                    .put(
                            "backlog",
                            new JsonObject()
                                    .put("chunks", totalChunks)
                                    .put("imports", imports.size())
                                    .put("chunksPerImport", chunksPerImport)
                                    .put("recordsPerChunk", CHUNK_SIZE)
                                    .put(
                                            "built",
                                            paused
                                                    ? "destinations paused while the imports were posted, then resumed"
                                                    : "this server has no pause route (404/405): its requests were held at the sink while the imports "
                                                            + "were posted, then let go"))
                    .put("paused", paused)
                    .put("jitQuietWaitMs", jitWaitMs)
                    .put("skipSeconds", skip)
                    .put("windowMs", WINDOW_NANOS / 1_000_000)
                    .put("steadyFromSeconds", round((a.nanos() - origin) / 1e9, 2))
                    .put("steadyToSeconds", round((b.nanos() - origin) / 1e9, 2))
                    .put("steadySeconds", round(span, 2))
                    .put("steadyWindows", rates.size())
                    .put("shortSteadyPhase", shortPhase)
                    .put(
                            "chunksPerSecond",
                            new JsonObject()
                                    .put("median", round(Numbers.median(rates), 1))
                                    .put("mean", round((b.total() - a.total()) / span, 1))
                                    .put("byTemplate", byTemplate))
                    .put(
                            "sinkArrivalsPerSecond",
                            new JsonObject()
                                    .put("median", round(Numbers.median(sinkRates), 1))
                                    .put("mean", round((b.sinkTotal() - a.sinkTotal()) / span, 1)))
                    .put("cpuPercentOfOneCore", cpu.between(a.cpu(), b.cpu()))
                    .put("countSource", counter.source())
                    .put("importStatuses", new JsonObject(new LinkedHashMap<>(statuses)))
                    .put("series", series);
            if (activity != null) {
                out.put("pgActivity", activity.between(a.nanos(), b.nanos()));
                List<Long> times = new ArrayList<>();
                for (String t : templates) {
                    for (long r : ctx.sink().receiptTimes(t)) {
                        if (r - clockSkew >= a.nanos() && r - clockSkew <= b.nanos()) {
                            times.add(r);
                        }
                    }
                }
                times.sort(Long::compare);
                out.put("arrivals", Arrivals.of(times));
            }
            return jfr == null ? out : out.put("jfr", jfr);
        }
    }

    private static Tick tick(RunContext ctx, DeliveredCounter counter, List<String> templates, CpuMeter cpu)
            throws Exception {
        Map<String, Long> delivered = counter.delivered();
        long nanos = System.nanoTime();
        JsonObject sink = ctx.sink().counts(templates);
        return new Tick(nanos, delivered, sink, cpu.snapshot());
    }
}
