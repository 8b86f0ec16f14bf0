package io.hookline.bench.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What /proc says about processes and threads: CPU time (utime + stime in clock ticks, 1/100 s on Linux, so ticks
 * per second are percent of one core), memory lines of /proc/PID/status, and the PostgreSQL processes with their
 * titles ("postgres: 15/main: USER DB HOST(PORT) STATE" for a client backend, "postgres: 15/main: walwriter" for a
 * background process).
 */
public final class ProcStat {

    public static final int TICKS_PER_SECOND = 100;

    private ProcStat() {}

    /** utime + stime of a process (all its threads), 0 when it is gone. */
    public static long ticks(long pid) {
        return ticksOf(Path.of("/proc/" + pid + "/stat"));
    }

    /** utime + stime per thread id of a process. */
    public static Map<Long, Long> threadTicks(long pid) {
        Map<Long, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                out.put(Long.parseLong(t.getFileName().toString()), ticksOf(t.resolve("stat")));
            }
        } catch (IOException e) {
            // process gone
        }
        return out;
    }

    /**
     * Waits (at most {@code maxMillis}) until the JIT compiler threads of a Java process use less than 5 % of a core
     * over a second: the compiles queued by the work just done (posting a backlog) are finished, and what is measured
     * next is the code as it runs, not the compiler. Answers the milliseconds waited.
     */
    public static long awaitJitQuiet(long pid, long maxMillis) throws InterruptedException {
        long t0 = System.nanoTime();
        while ((System.nanoTime() - t0) / 1_000_000 < maxMillis) {
            long before = compilerTicks(pid);
            Thread.sleep(1_000);
            if (compilerTicks(pid) - before < TICKS_PER_SECOND / 20) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long compilerTicks(long pid) {
        long sum = 0;
        for (Map.Entry<Long, Long> t : threadTicks(pid).entrySet()) {
            if (threadComm(pid, t.getKey()).contains("Compiler")) {
                sum += t.getValue();
            }
        }
        return sum;
    }

    /** The kernel's name of a thread (its first 15 characters). */
    public static String threadComm(long pid, long tid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/task/" + tid + "/comm"))
                    .trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /** Every process named postgres: pid → its title (command line). */
    public static Map<Long, String> postgresProcesses() {
        Map<Long, String> out = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(d.resolve("comm")).trim().equals("postgres")) {
                        String title = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8)
                                .replace('\0', ' ')
                                .trim();
                        out.put(Long.parseLong(name), title);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc
        }
        return out;
    }

    /** A line of /proc/PID/status in kB (VmRSS, VmHWM), null when absent. */
    public static Long statusKb(long pid, String key) {
        return readKb(Path.of("/proc/" + pid + "/status"), key);
    }

    public static Long readKb(Path file, String key) {
        String v = firstMatch(file, "(?m)^" + key + ":\\s*(\\d+) kB");
        return v == null ? null : Long.parseLong(v);
    }

    public static String firstMatch(Path file, String regex) {
        try {
            Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
            return m.find() ? m.group(1).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long ticksOf(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
