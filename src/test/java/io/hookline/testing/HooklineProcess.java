package io.hookline.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code target/hookline.jar} run as a child process, the way an operator runs it: {@code java -jar} with
 * {@code --conf FILE} and HOOKLINE_* variables. Output goes to a log file (never a pipe that could fill up). Tests
 * kill it with SIGKILL ({@link #kill()}) or stop it with SIGTERM ({@link #terminate(Duration)}); {@link #close()}
 * always leaves no process behind.
 */
public final class HooklineProcess implements AutoCloseable {

    /** base64 of 32 bytes, the same for every start, so a restarted process reads what an earlier one sealed. */
    public static final String ENCRYPTION_KEY = "aG9va2xpbmUtZHVyYWJpbGl0eS10ZXN0LWtleS0zMmI=";

    private static final Pattern LISTENING = Pattern.compile("listening on http://([^:\\s]+):(\\d+)");

    private final String instanceId;
    private final Process process;
    private final Path log;
    private final Api api;

    private HooklineProcess(String instanceId, Process process, Path log, int port) {
        this.instanceId = instanceId;
        this.process = process;
        this.log = log;
        this.api = new Api("http://127.0.0.1:" + port);
    }

    /** The jar built by {@code mvn package}; the ITs run in the integration-test phase, after it exists. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("hookline.jar", "target/hookline.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run these tests with `mvn verify` "
                    + "(they run after `package`), or build it first with `mvn -B -q package -DskipTests`");
        }
        return jar;
    }

    /** Files that outlive one process: the data dir, the config and the logs of every start. */
    public record Home(Path dir, Path conf) {
        public static Home create(JsonObject conf) {
            try {
                Path dir = Files.createTempDirectory("hookline-it");
                Files.createDirectories(dir.resolve("data"));
                Path file = dir.resolve("hookline.json");
                Files.writeString(file, conf.encodePrettily());
                return new Home(dir, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the jar and waits for its "listening" line. */
    public static HooklineProcess start(Home home, String instanceId) {
        return start(home, instanceId, Map.of());
    }

    /** Starts the jar with more HOOKLINE_* variables (they win over the ones set here). */
    public static HooklineProcess start(Home home, String instanceId, Map<String, String> moreEnv) {
        // A test of child processes counts on them alone: an in-process server of an earlier test in this JVM (with
        // another encryption key) would take destinations over and fail them.
        try {
            TestServer.stopShared();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the shared test server", e);
        }
        Path log = home.dir().resolve(instanceId + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar().toAbsolutePath().toString(),
                "--conf",
                home.conf().toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HOOKLINE_"));
        env.put("HOOKLINE_DB_URL", TestServer.DB_URL);
        env.put("HOOKLINE_HTTP_PORT", "0");
        env.put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
        env.put("HOOKLINE_INSTANCE_ID", instanceId);
        env.put("HOOKLINE_DATA_DIR", home.dir().resolve("data").toString());
        env.put("HOOKLINE_ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.putAll(moreEnv);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            int port = Await.until(
                    () -> {
                        if (!process.isAlive()) {
                            throw new AssertionError(instanceId + " exited with " + process.exitValue()
                                    + " before listening:\n" + read(log));
                        }
                        Matcher m = LISTENING.matcher(read(log));
                        return m.find() ? Integer.parseInt(m.group(2)) : null;
                    },
                    Duration.ofSeconds(60),
                    instanceId + " to log its listening line");
            return new HooklineProcess(instanceId, process, log, port);
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public Api api() {
        return api;
    }

    public String instanceId() {
        return instanceId;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        return read(log);
    }

    /** SIGKILL: no shutdown hook, no drain, no flush. Waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        waitGone(Duration.ofSeconds(30));
    }

    /** SIGSTOP: the process is frozen, its sockets and timers with it, until {@link #resume()}. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then waits for the exit; answers the exit code. */
    public int terminate(Duration timeout) {
        process.destroy();
        return waitGone(timeout);
    }

    private int waitGone(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(instanceId + " did not exit within " + timeout.toMillis() + " ms");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
