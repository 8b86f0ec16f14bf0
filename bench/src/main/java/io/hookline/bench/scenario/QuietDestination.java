package io.hookline.bench.scenario;

import io.hookline.bench.process.RunningProcess;

/**
 * A destination that takes no work while an ingest scenario measures, so deliveries of accepted imports do not
 * compete with the uploads still running: paused through the API, or, on a server without pause, pointed at the
 * sink with {@code hold=1} (the first maxConcurrency requests wait there unanswered, nothing else is sent). Closing
 * deletes it with {@code force=true} (its chunks end UNDELIVERED) and then lets the sink answer what it holds.
 */
final class QuietDestination implements AutoCloseable {

    private final RunContext ctx;
    private final RunningProcess h;
    private final String template;
    private final boolean paused;

    private QuietDestination(RunContext ctx, RunningProcess h, String template, boolean paused) {
        this.ctx = ctx;
        this.h = h;
        this.template = template;
        this.paused = paused;
    }

    static QuietDestination create(RunContext ctx, String template, int chunkSize) throws Exception {
        RunningProcess h = ctx.hookline();
        ctx.api().putDestination(h, template, ctx.destination(template, chunkSize));
        if (ctx.api().pause(h, template)) {
            return new QuietDestination(ctx, h, template, true);
        }
        ctx.api()
                .putDestination(
                        h,
                        template,
                        ctx.destination(template, chunkSize, "hold=1").put("timeoutMs", 300_000));
        return new QuietDestination(ctx, h, template, false);
    }

    /** How deliveries were kept out of the measurement, for the result. */
    String how() {
        return paused ? "destination paused" : "destination held at the sink (this server has no pause)";
    }

    /**
     * A cleanup that fails does not void what was measured: the destination then stays paused (or held, its requests
     * unanswered), so its chunks still take no work from later scenarios; the failure is logged.
     */
    @Override
    public void close() throws Exception {
        try {
            ctx.api().deleteDestination(h, template);
        } catch (IllegalStateException e) {
            System.out.println("[bench] could not delete the quiet destination " + template + ": " + e.getMessage());
            return;
        }
        if (!paused) {
            ctx.sink().release(template);
        }
    }
}
