package io.hookline.bench.machine;

import io.hookline.bench.process.Processes;
import io.hookline.bench.process.RunningProcess;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU of the processes of a measurement, between two snapshots: each Hookline instance by thread kind, the sink,
 * and PostgreSQL split into Hookline's backends (client backends of the bench database), background processes
 * (walwriter, checkpointer, ...), and what is left out of the PostgreSQL figure: the bench's own connections (its
 * samplers, named by pg_backend_pid()) and client backends of other databases (other work on a shared machine).
 */
public final class CpuMeter {

    private static final Pattern CLIENT_BACKEND =
            Pattern.compile("^postgres: (?:\\S+: )?(\\S+) (\\S+) (?:\\S+\\(\\d+\\)|\\[local\\])");
    private static final Pattern TITLE = Pattern.compile("^postgres: (?:\\S+: )?(.*)$");
    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\".*\\bnid=(0x[0-9a-fA-F]+|\\d+)");

    private final List<RunningProcess> hooklines;
    private final RunningProcess sink;
    private final String benchDb;
    private final Set<Long> benchBackends;
    /** tid → full thread name (the kernel keeps 15 characters), from jcmd Thread.print at the start. */
    private final Map<Long, String> threadNames = new HashMap<>();

    public record Snapshot(
            long nanos,
            Map<String, Map<Long, Long>> hooklineThreads,
            long sinkTicks,
            Map<Long, Long> postgresTicks,
            Map<Long, String> postgresTitles) {}

    public CpuMeter(List<RunningProcess> hooklines, RunningProcess sink, String benchDb, Set<Long> benchBackends) {
        this.hooklines = hooklines;
        this.sink = sink;
        this.benchDb = benchDb;
        this.benchBackends = benchBackends;
        for (RunningProcess h : hooklines) {
            threadNames.putAll(javaThreadNames(h.pid()));
        }
    }

    public Snapshot snapshot() {
        Map<String, Map<Long, Long>> threads = new TreeMap<>();
        for (RunningProcess h : hooklines) {
            threads.put(h.name(), ProcStat.threadTicks(h.pid()));
        }
        Map<Long, String> titles = ProcStat.postgresProcesses();
        Map<Long, Long> pg = new HashMap<>();
        titles.keySet().forEach(pid -> pg.put(pid, ProcStat.ticks(pid)));
        return new Snapshot(System.nanoTime(), threads, sink == null ? 0 : ProcStat.ticks(sink.pid()), pg, titles);
    }

    /** Percent of one core per process and part between a and b. */
    public JsonObject between(Snapshot a, Snapshot b) {
        double secs = (b.nanos() - a.nanos()) / 1e9;
        JsonObject out = new JsonObject().put("seconds", round(secs));
        JsonObject hookline = new JsonObject();
        double hooklineTotal = 0;
        for (RunningProcess h : hooklines) {
            Map<Long, Long> before = a.hooklineThreads().getOrDefault(h.name(), Map.of());
            Map<String, Long> kinds = new TreeMap<>();
            long total = 0;
            for (Map.Entry<Long, Long> t :
                    b.hooklineThreads().getOrDefault(h.name(), Map.of()).entrySet()) {
                long d = t.getValue() - before.getOrDefault(t.getKey(), 0L);
                if (d > 0) {
                    kinds.merge(kind(h.pid(), t.getKey()), d, Long::sum);
                    total += d;
                }
            }
            JsonObject byKind = new JsonObject();
            kinds.entrySet().stream()
                    .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                    .forEach(e -> byKind.put(e.getKey(), percent(e.getValue(), secs)));
            hookline.put(
                    h.name(),
                    new JsonObject().put("total", percent(total, secs)).put("byThreadKind", byKind));
            hooklineTotal += percent(total, secs);
        }
        out.put("hookline", hookline).put("hooklineTotal", round(hooklineTotal));
        out.put("sink", percent(b.sinkTicks() - a.sinkTicks(), secs));

        long backends = 0;
        int backendCount = 0;
        long bench = 0;
        long others = 0;
        Map<String, Long> background = new TreeMap<>();
        for (Map.Entry<Long, Long> p : b.postgresTicks().entrySet()) {
            long pid = p.getKey();
            long d = p.getValue() - a.postgresTicks().getOrDefault(pid, 0L); // a process born in between: all of it
            String title = b.postgresTitles().get(pid);
            Matcher client = CLIENT_BACKEND.matcher(title);
            if (benchBackends.contains(pid)) {
                bench += d;
            } else if (client.find()) {
                if (client.group(2).equals(benchDb)) {
                    backends += d;
                    backendCount += d > 0 ? 1 : 0;
                } else {
                    others += d;
                }
            } else {
                background.merge(backgroundName(title), d, Long::sum);
            }
        }
        JsonObject bg = new JsonObject();
        long bgTotal = 0;
        for (Map.Entry<String, Long> e : background.entrySet()) {
            if (e.getValue() > 0) {
                bg.put(e.getKey(), percent(e.getValue(), secs));
                bgTotal += e.getValue();
            }
        }
        out.put(
                "postgres",
                new JsonObject()
                        .put("total", percent(backends + bgTotal, secs))
                        .put("hooklineBackends", percent(backends, secs))
                        .put("hooklineBackendsBusy", backendCount)
                        .put("background", bg)
                        .put("excludedBenchConnections", percent(bench, secs))
                        .put("excludedOtherDatabases", percent(others, secs)));
        return out;
    }

    /** A thread's kind: its full name with numbers folded to #, except event loops, which are shown one by one. */
    private String kind(long pid, long tid) {
        String name = threadNames.getOrDefault(tid, ProcStat.threadComm(pid, tid));
        return name.startsWith("vert.x-eventloop-thread-") ? name : name.replaceAll("[0-9]+", "#");
    }

    private static String backgroundName(String title) {
        Matcher m = TITLE.matcher(title);
        return (m.find() ? m.group(1) : "postmaster").replaceAll("[0-9]+", "#").trim();
    }

    private static Map<Long, String> javaThreadNames(long pid) {
        Map<Long, String> out = new HashMap<>();
        try {
            for (String line : Processes.exec(List.of("jcmd", Long.toString(pid), "Thread.print"), 30)
                    .split("\n")) {
                Matcher m = THREAD.matcher(line);
                if (m.find()) {
                    String nid = m.group(2);
                    out.put(
                            nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid),
                            m.group(1));
                }
            }
        } catch (Exception e) {
            // no jcmd: the kernel's 15-character names serve
        }
        return out;
    }

    private static double percent(long ticks, double secs) {
        return round(ticks * 100.0 / ProcStat.TICKS_PER_SECOND / secs);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
