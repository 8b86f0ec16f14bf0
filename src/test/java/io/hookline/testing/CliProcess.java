package io.hookline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/hookline.jar ARGS} run once as a child process, the way a user runs the command line, with
 * its output in files (never a pipe that could fill up): plainly, or under a pseudo terminal made by util-linux's
 * {@code script}, so that the process sees a terminal.
 */
public final class CliProcess {

    /** How the process ended: its exit code and what it wrote. */
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private CliProcess() {}

    public static Result run(Map<String, String> env, Duration timeout, String... args) {
        return start(env, false, timeout, List.of(args));
    }

    /** Runs under a pseudo terminal: standard output and error both go to the terminal, and so to {@code out}. */
    public static Result runOnTerminal(Map<String, String> env, Duration timeout, String... args) {
        return start(env, true, timeout, List.of(args));
    }

    private static List<String> java(List<String> args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-jar",
                HooklineProcess.jar().toAbsolutePath().toString()));
        command.addAll(args);
        return command;
    }

    private static Result start(Map<String, String> env, boolean terminal, Duration timeout, List<String> args) {
        try {
            Path dir = Files.createTempDirectory("hookline-cli");
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            List<String> command = java(args);
            if (terminal) {
                command = List.of(
                        "script",
                        "-qec",
                        String.join(
                                " ", command.stream().map(CliProcess::quoted).toList()),
                        "/dev/null");
            }
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("HOOKLINE_"));
            pb.environment().putAll(env);
            Process process = pb.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("hookline " + args + " did not end within " + timeout.toSeconds() + " s:\n"
                            + Files.readString(out) + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                process.destroyForcibly();
                process.getOutputStream().close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
