package io.hookline.bench.process;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Starts the two programs under test as separate processes: the sink, and Hookline instances on one database. */
public final class Launcher {

    private static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");
    private static final Pattern SINK_LISTENING = Pattern.compile("sink listening on (http://\\S+)");

    private final Processes processes;
    private final Path work;
    private final String hooklineJar;
    private final String benchJar;
    private final String dbUrl;
    /** One key for every instance of the run: they share the database, so they must read each other's secrets. */
    private final String encryptionKey;

    public Launcher(Processes processes, Path work, String hooklineJar, String benchJar, String dbUrl) {
        this.processes = processes;
        this.work = work;
        this.hooklineJar = hooklineJar;
        this.benchJar = benchJar;
        this.dbUrl = dbUrl;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.encryptionKey = Base64.getEncoder().encodeToString(key);
    }

    public RunningProcess sink() throws Exception {
        return processes.start(
                "sink",
                List.of(
                        Processes.java(),
                        "-Xmx512m",
                        "-XX:+UseParallelGC",
                        "-cp",
                        benchJar,
                        "io.hookline.bench.Sink",
                        "--threads",
                        "2"),
                Map.of(),
                SINK_LISTENING);
    }

    /** A Hookline instance named {@code id}; {@code heap} is an -Xmx option or null. */
    public RunningProcess hookline(String id, String heap) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Processes.java()));
        if (heap != null) {
            cmd.add(heap);
        }
        // BENCH_HOOKLINE_JAVA_OPTS: extra JVM options for the Hookline processes (diagnosis: -XX:+PrintCompilation,
        // ...)
        String extra = System.getenv("BENCH_HOOKLINE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-jar", hooklineJar));
        // BENCH_HOOKLINE_CONF: a config file for the Hookline processes (to measure one setting against another)
        String conf = System.getenv("BENCH_HOOKLINE_CONF");
        if (conf != null && !conf.isBlank()) {
            cmd.addAll(List.of("--conf", conf));
        }
        Map<String, String> env = new HashMap<>();
        env.put("HOOKLINE_DB_URL", dbUrl);
        env.put("HOOKLINE_HTTP_PORT", "0");
        env.put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
        env.put("HOOKLINE_DATA_DIR", work.resolve("data-" + id).toString());
        env.put("HOOKLINE_ENCRYPTION_KEY", encryptionKey);
        env.put("HOOKLINE_INSTANCE_ID", id);
        env.put("HOOKLINE_LOG_LEVEL", "INFO");
        // The database server is shared with other work on this machine and is sometimes restarted under us: try again.
        for (int attempt = 1; ; attempt++) {
            try {
                return processes.start(id, cmd, env, LISTENING);
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
                System.out.println("[bench] " + id + " did not start ("
                        + e.getMessage().lines().findFirst().orElse("") + "); trying again in 5 s");
                Thread.sleep(5000);
            }
        }
    }

    public void stop(RunningProcess p) {
        processes.stop(p);
    }
}
