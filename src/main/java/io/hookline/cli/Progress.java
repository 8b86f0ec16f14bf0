package io.hookline.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows an import's progress: on a terminal a bar redrawn in place (bytes sent, then pages delivered / undelivered /
 * pending, each with a rate and an ETA); otherwise a plain line every few seconds, fit for a log.
 */
final class Progress {

    static final long PLAIN_EVERY_MS = 3_000;
    static final long TERMINAL_EVERY_MS = 200;
    private static final int BAR = 30;

    private final PrintStream out;
    private final boolean terminal;
    private long lastPlainLine;
    private boolean lineOpen;

    private long phaseStart;
    private long firstFinished = -1;
    private long firstPoll;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal when this process has one for its input and output (a pipe or a file is not). */
    static Progress forConsole() {
        return new Progress(System.out, System.console() != null);
    }

    boolean terminal() {
        return terminal;
    }

    /** How long to wait between two looks at the progress. */
    long interval() {
        return terminal ? TERMINAL_EVERY_MS : 500;
    }

    void line(String text) {
        endBar();
        out.println(text);
        out.flush();
    }

    void startPhase() {
        phaseStart = System.nanoTime();
        lastPlainLine = System.currentTimeMillis();
        firstFinished = -1;
    }

    void sending(long sent, long total) {
        double seconds = elapsed();
        double rate = seconds > 0 ? sent / seconds : 0;
        String eta = sent >= total ? "0s, the server is storing it" : rate > 0 ? duration((total - sent) / rate) : "-";
        int percent = total == 0 ? 100 : (int) (sent * 100 / total);
        if (terminal) {
            draw(String.format(
                    Locale.ROOT,
                    "sending    [%s] %3d%%  %s / %s  %s/s  ETA %s",
                    bar(sent, 0, total),
                    percent,
                    bytes(sent),
                    bytes(total),
                    bytes((long) rate),
                    eta));
        } else if (due()) {
            line(String.format(
                    Locale.ROOT,
                    "sending: %s of %s (%d%%), %s/s, ETA %s",
                    bytes(sent),
                    bytes(total),
                    percent,
                    bytes((long) rate),
                    eta));
        }
    }

    void delivering(JsonObject view) {
        JsonObject chunks = view.getJsonObject("chunks", new JsonObject());
        long delivered = chunks.getLong("delivered", 0L);
        long undelivered = chunks.getLong("undelivered", 0L);
        long pending = chunks.getLong("pending", 0L);
        long total = view.getLong("totalPages", delivered + undelivered + pending);
        long finished = delivered + undelivered;
        long now = System.nanoTime();
        if (firstFinished < 0) {
            firstFinished = finished;
            firstPoll = now;
        }
        double seconds = (now - firstPoll) / 1e9;
        double rate = seconds > 0.5 ? (finished - firstFinished) / seconds : 0;
        String eta = pending == 0 ? "0s" : rate > 0 ? duration(pending / rate) : "-";
        if (terminal) {
            draw(String.format(
                    Locale.ROOT,
                    "delivering [%s] %d/%d pages: %d delivered, %d undelivered, %d pending  " + "%.1f pages/s  ETA %s",
                    bar(delivered, undelivered, total),
                    finished,
                    total,
                    delivered,
                    undelivered,
                    pending,
                    rate,
                    eta));
        } else if (due()) {
            line(String.format(
                    Locale.ROOT,
                    "delivering: %d of %d pages delivered, %d undelivered, %d pending, " + "%.1f pages/s, ETA %s",
                    delivered,
                    total,
                    undelivered,
                    pending,
                    rate,
                    eta));
        }
    }

    /** Ends the bar's line, so that what follows starts on a line of its own. */
    void endBar() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    double elapsed() {
        return (System.nanoTime() - phaseStart) / 1e9;
    }

    private boolean due() {
        long now = System.currentTimeMillis();
        if (now - lastPlainLine < PLAIN_EVERY_MS) {
            return false;
        }
        lastPlainLine = now;
        return true;
    }

    private void draw(String text) {
        out.print("\r" + text + "\033[K");
        out.flush();
        lineOpen = true;
    }

    /** '#' done, 'x' failed, '.' still to go. */
    private static String bar(long done, long failed, long total) {
        int full = total == 0 ? BAR : (int) (done * BAR / total);
        int bad = total == 0 ? 0 : (int) Math.min(BAR - full, (failed * BAR + total - 1) / total);
        return "#".repeat(full) + "x".repeat(bad) + ".".repeat(BAR - full - bad);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60
                ? s + "s"
                : s < 3600
                        ? (s / 60) + "m" + String.format("%02d", s % 60) + "s"
                        : (s / 3600) + "h" + String.format("%02d", s % 3600 / 60) + "m";
    }
}
