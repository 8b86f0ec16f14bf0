package io.hookline.bench;

import io.hookline.bench.http.HooklineClient;
import io.hookline.bench.http.SinkClient;
import io.hookline.bench.machine.MachineInfo;
import io.hookline.bench.process.Jfr;
import io.hookline.bench.process.Launcher;
import io.hookline.bench.process.Processes;
import io.hookline.bench.process.Psql;
import io.hookline.bench.process.RunningProcess;
import io.hookline.bench.result.Numbers;
import io.hookline.bench.result.ResultFile;
import io.hookline.bench.scenario.ConcurrentIngestScenario;
import io.hookline.bench.scenario.CsvIngestScenario;
import io.hookline.bench.scenario.DeliveryScenario;
import io.hookline.bench.scenario.DrainScenario;
import io.hookline.bench.scenario.EndToEndScenario;
import io.hookline.bench.scenario.IngestScenario;
import io.hookline.bench.scenario.IsolationScenario;
import io.hookline.bench.scenario.LatencyScenario;
import io.hookline.bench.scenario.MemoryScenario;
import io.hookline.bench.scenario.RateScenario;
import io.hookline.bench.scenario.RunContext;
import io.hookline.bench.scenario.ScaleOutScenario;
import io.hookline.bench.scenario.Scenario;
import io.hookline.bench.scenario.WarmUp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark driver: starts the sink and Hookline as separate processes, warms Hookline up, runs the scenarios
 * in order (each measures its figure beside a ceiling from the same run), and writes one JSON document that
 * bench/report.py turns into Markdown and SVG. Every number in the output is measured here; nothing is typed in.
 *
 * <p>Arguments: {@code --db-url URL --out FILE --work DIR [--quick] [--profile] [--only a,b]
 * [--hookline-jar JAR] [--bench-jar JAR]}.
 */
public final class Bench {

    /** Every scenario, in the order of a run. */
    static final List<Scenario> SCENARIOS = List.of(
            new IngestScenario(),
            new ConcurrentIngestScenario(),
            new CsvIngestScenario(),
            new DrainScenario(),
            new DeliveryScenario(),
            new EndToEndScenario(),
            new LatencyScenario(),
            new RateScenario(),
            new IsolationScenario(),
            new ScaleOutScenario(),
            new MemoryScenario());

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        boolean quick = opts.containsKey("quick");
        Set<String> only = only(opts.getOrDefault("only", ""));
        Path work = Path.of(opts.getOrDefault("work", "bench/target/run")).toAbsolutePath();
        Path out =
                Path.of(opts.getOrDefault("out", "bench/results/latest.json")).toAbsolutePath();
        String dbUrl = opts.getOrDefault("db-url", "postgresql://hookline:hookline@127.0.0.1:5432/hookline_bench");
        Files.createDirectories(work);

        Processes processes = new Processes(work);
        Runtime.getRuntime().addShutdownHook(new Thread(processes::stopAll));
        Launcher launcher = new Launcher(
                processes,
                work,
                Path.of(opts.getOrDefault("hookline-jar", "target/hookline.jar"))
                        .toAbsolutePath()
                        .toString(),
                Path.of(opts.getOrDefault("bench-jar", "bench/target/hookline-bench.jar"))
                        .toAbsolutePath()
                        .toString(),
                dbUrl);
        Psql psql = new Psql(dbUrl);
        JsonObject machine = MachineInfo.describe(psql);
        log("machine: " + MachineInfo.line(machine));
        ResultFile results = new ResultFile(
                out,
                new JsonObject()
                        .put("mode", quick ? "quick" : "full")
                        .put("startedAt", Instant.now().toString())
                        .put("machine", machine)
                        .put(
                                "git",
                                new JsonObject()
                                        .put("commit", System.getenv().getOrDefault("BENCH_GIT_COMMIT", "unknown"))
                                        .put(
                                                "dirty",
                                                Boolean.parseBoolean(
                                                        System.getenv().getOrDefault("BENCH_GIT_DIRTY", "false")))));
        long t0 = System.nanoTime();

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        RunningProcess sink = launcher.sink();
        log("sink at " + sink.base());
        RunContext ctx = new RunContext(
                quick,
                work,
                launcher,
                new HooklineClient(http),
                sink,
                new SinkClient(http, sink.base()),
                psql,
                new Jfr(opts.containsKey("profile"), work, out.getParent()),
                dbUrl,
                URI.create(dbUrl).getPath().substring(1));
        ctx.hookline(launcher.hookline("bench-1", null));
        log("hookline at " + ctx.hookline().base() + " (pid " + ctx.hookline().pid() + ")");
        try {
            WarmUp.run(ctx);
        } catch (Exception e) {
            log("warm-up failed: " + e);
        }

        for (Scenario scenario : SCENARIOS) {
            if (!only.isEmpty() && !only.contains(scenario.name())) {
                continue;
            }
            long s0 = System.nanoTime();
            JsonObject r = runTwice(ctx, scenario);
            r.put("scenarioSeconds", Numbers.round((System.nanoTime() - s0) / 1e9, 1));
            log(scenario.name() + ": " + r.getString("summary", r.getString("error", "?")));
            results.put(scenario.name(), r);
        }
        results.document().put("durationSeconds", Numbers.round((System.nanoTime() - t0) / 1e9, 1));
        machine.put("loadAverageAtEnd", MachineInfo.loadAverage());
        results.write();
        processes.stopAll();

        log("---- figures (" + (quick ? "quick" : "full") + " run, " + out + ")");
        log("machine: " + MachineInfo.line(machine) + " at start; " + machine.getString("loadAverageAtEnd")
                + " at end");
        results.scenarios()
                .forEach(e -> log(e.getKey() + ": "
                        + ((JsonObject) e.getValue())
                                .getString("summary", ((JsonObject) e.getValue()).getString("error", "?"))));
        System.exit(0);
    }

    /**
     * The database server is shared with other work here and is sometimes restarted under us: a scenario that fails
     * is run once more, on a restarted Hookline when it is gone. A second failure is recorded as the result.
     */
    private static JsonObject runTwice(RunContext ctx, Scenario scenario) throws InterruptedException {
        String firstError = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                if (ctx.hookline() == null || !ctx.hookline().alive()) {
                    log("hookline is not running; starting it again");
                    ctx.hookline(ctx.launcher().hookline("bench-1-" + scenario.name() + "-" + attempt, null));
                }
                JsonObject r = scenario.run(ctx);
                return firstError == null ? r : r.put("note", "second attempt: the first failed (" + firstError + ")");
            } catch (Exception e) {
                e.printStackTrace();
                if (attempt == 2) {
                    return new JsonObject().put("error", e.toString());
                }
                firstError = e.toString();
                log(scenario.name() + " failed (" + e + "); trying once more");
                Thread.sleep(3000);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            String k = a.substring(2);
            if (k.equals("quick") || k.equals("profile")) {
                opts.put(k, "true");
            } else if (i + 1 < args.length) {
                opts.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException(a + " needs a value");
            }
        }
        return opts;
    }

    private static Set<String> only(String list) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : list.split(",")) {
            if (n.isBlank()) {
                continue;
            }
            if (SCENARIOS.stream().noneMatch(s -> s.name().equals(n.trim()))) {
                throw new IllegalArgumentException("--only: no scenario " + n + "; there are "
                        + SCENARIOS.stream().map(Scenario::name).toList());
            }
            names.add(n.trim());
        }
        return names;
    }

    static void log(String s) {
        System.out.println("[bench " + Instant.now().toString().substring(11, 19) + "] " + s);
    }
}
