package io.hookline.bench.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** psql against the bench database: statements, and {@code \copy} from files (alone or several at once). */
public final class Psql {

    private final String dbUrl;

    public Psql(String dbUrl) {
        this.dbUrl = dbUrl;
    }

    public String run(String sql) throws Exception {
        return Processes.exec(command(sql), 600);
    }

    /**
     * {@code \copy TABLE FROM FILE} for each pair at once, one psql process each; seconds from the first start to
     * the last exit.
     */
    public double copyAtOnce(List<String> tables, Path file) throws Exception {
        List<Process> running = new ArrayList<>();
        long start = System.nanoTime();
        for (String table : tables) {
            running.add(new ProcessBuilder(command("\\copy " + table + " FROM '" + file + "'"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
        for (Process p : running) {
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                running.forEach(Process::destroyForcibly);
                throw new IllegalStateException("psql \\copy into " + tables + " failed");
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private List<String> command(String sql) {
        return List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d", dbUrl, "-c", sql);
    }
}
