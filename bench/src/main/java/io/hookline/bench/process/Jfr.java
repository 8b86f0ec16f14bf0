package io.hookline.bench.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * With {@code --profile}: a JFR recording of Hookline (the JDK's profile settings, Java method sampling every 2 ms
 * instead of 10 ms for more samples in a short phase) around the measured phase of a scenario, written to
 * profile-NAME.jfr in the results folder. Without it, start and stop do nothing.
 */
public final class Jfr {

    private final boolean enabled;
    private final Path work;
    private final Path resultsDir;

    public Jfr(boolean enabled, Path work, Path resultsDir) {
        this.enabled = enabled;
        this.work = work;
        this.resultsDir = resultsDir;
    }

    public void start(RunningProcess hookline, String name) throws Exception {
        if (!enabled) {
            return;
        }
        Path jfc = work.resolve("bench.jfc");
        String text = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        Files.writeString(
                jfc,
                text.replace(
                        "control=\"method-sampling-java-interval\">10 ms",
                        "control=\"method-sampling-java-interval\">2 ms"));
        Processes.exec(
                List.of("jcmd", Long.toString(hookline.pid()), "JFR.start", "name=" + name, "settings=" + jfc), 30);
    }

    /** The file name of the recording, or null when not profiling. */
    public String stop(RunningProcess hookline, String name) throws Exception {
        if (!enabled) {
            return null;
        }
        Path jfr = resultsDir.resolve("profile-" + name + ".jfr");
        Processes.exec(
                List.of("jcmd", Long.toString(hookline.pid()), "JFR.stop", "name=" + name, "filename=" + jfr), 60);
        return jfr.getFileName().toString();
    }
}
