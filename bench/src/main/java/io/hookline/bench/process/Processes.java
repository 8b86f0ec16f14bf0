package io.hookline.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child processes: long-running ones, started and awaited until their log shows they listen, stopped with SIGTERM
 * (and killed after 30 s), all stopped at the end of the run; and one-shot commands with a timeout.
 */
public final class Processes {

    private final Path logDir;
    private final List<RunningProcess> running = new ArrayList<>();

    public Processes(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Starts {@code cmd} with its output in NAME.log, and waits until the log matches {@code ready}: group 1 is the
     * base URL, or groups 1 and 2 are host and port.
     */
    public RunningProcess start(String name, List<String> cmd, Map<String, String> env, Pattern ready)
            throws Exception {
        Path logFile = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(logFile) ? Files.readString(logFile) : "";
            Matcher m = ready.matcher(text);
            if (m.find()) {
                String base = m.groupCount() == 2 ? "http://" + m.group(1) + ":" + m.group(2) : m.group(1);
                RunningProcess p = new RunningProcess(process, logFile, base, name);
                synchronized (this) {
                    running.add(p);
                }
                return p;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(text));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not start in 90 s");
    }

    /** SIGTERM (Hookline drains), then SIGKILL after 30 s. */
    public void stop(RunningProcess p) {
        if (p == null || !p.alive()) {
            return;
        }
        p.process().destroy();
        try {
            if (!p.process().waitFor(30, TimeUnit.SECONDS)) {
                p.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void stopAll() {
        for (int i = running.size() - 1; i >= 0; i--) {
            stop(running.get(i));
        }
    }

    /** Runs a command to its end; its output, or an exception naming the command when it fails or times out. */
    public static String exec(List<String> cmd, int timeoutSecs) throws Exception {
        return exec(new ProcessBuilder(cmd), timeoutSecs);
    }

    public static String exec(ProcessBuilder pb, int timeoutSecs) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p));
        String cmd = String.join(" ", pb.command());
        if (!p.waitFor(timeoutSecs, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out");
        }
        String text = out.get();
        if (p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "): " + tail(text));
        }
        return text;
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }

    private static String readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}
