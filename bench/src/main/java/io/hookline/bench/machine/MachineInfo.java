package io.hookline.bench.machine;

import io.hookline.bench.process.Psql;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run measured on: cores, CPU model, memory, Java, PostgreSQL, OS, load average. */
public final class MachineInfo {

    private MachineInfo() {}

    public static JsonObject describe(Psql psql) {
        JsonObject m = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", ProcStat.firstMatch(Path.of("/proc/cpuinfo"), "model name\\s*:\\s*(.+)"));
        Long memKb = ProcStat.readKb(Path.of("/proc/meminfo"), "MemTotal");
        m.put("memoryGiB", memKb == null ? null : Math.round(memKb / 104857.6) / 10.0);
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        try {
            m.put("postgresql", psql.run("SELECT version()").trim());
        } catch (Exception e) {
            m.put("postgresql", "unknown: " + e.getMessage());
        }
        m.put("loadAverageAtStart", loadAverage());
        m.put("shared", System.getenv().getOrDefault("BENCH_SHARED_NOTE", ""));
        return m;
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg has them. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** One line for the console: what the figures were measured on. */
    public static String line(JsonObject m) {
        return String.format(
                "%s cores (%s), %s GiB, %s, %s, load average %s",
                m.getValue("cores"),
                m.getString("cpu"),
                m.getValue("memoryGiB"),
                m.getString("java"),
                m.getString("postgresql").split(" on ")[0],
                m.getString("loadAverageAtStart"));
    }
}
