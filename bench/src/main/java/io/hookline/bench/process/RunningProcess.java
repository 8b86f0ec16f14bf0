package io.hookline.bench.process;

import java.nio.file.Path;

/** A program the bench started and keeps running (Hookline, the sink): its log and the base URL it announced. */
public record RunningProcess(Process process, Path log, String base, String name) {

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }
}
