package io.hookline.bench.scenario;

import io.hookline.bench.data.ImportFiles;
import io.hookline.bench.http.HooklineClient;
import io.hookline.bench.http.SinkClient;
import io.hookline.bench.process.Jfr;
import io.hookline.bench.process.Launcher;
import io.hookline.bench.process.Psql;
import io.hookline.bench.process.RunningProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** What every scenario works with: the mode, the processes under test, clients, inputs and shared measurements. */
public final class RunContext {

    private final boolean quick;
    private final Path work;
    private final ImportFiles files;
    private final Launcher launcher;
    private final HooklineClient api;
    private final RunningProcess sinkProcess;
    private final SinkClient sink;
    private final Jfr jfr;
    private final String dbUrl;
    private final String dbName;
    private final CopyCeiling copyCeiling;
    private RunningProcess hookline;
    private double deliveryRateEstimate = 2_000;

    public RunContext(
            boolean quick,
            Path work,
            Launcher launcher,
            HooklineClient api,
            RunningProcess sinkProcess,
            SinkClient sink,
            Psql psql,
            Jfr jfr,
            String dbUrl,
            String dbName) {
        this.quick = quick;
        this.work = work;
        this.files = new ImportFiles(work);
        this.launcher = launcher;
        this.api = api;
        this.sinkProcess = sinkProcess;
        this.sink = sink;
        this.jfr = jfr;
        this.dbUrl = dbUrl;
        this.dbName = dbName;
        this.copyCeiling = new CopyCeiling(psql, files);
    }

    public boolean quick() {
        return quick;
    }

    public Path work() {
        return work;
    }

    public ImportFiles files() {
        return files;
    }

    public Launcher launcher() {
        return launcher;
    }

    public HooklineClient api() {
        return api;
    }

    public RunningProcess sinkProcess() {
        return sinkProcess;
    }

    public SinkClient sink() {
        return sink;
    }

    public Jfr jfr() {
        return jfr;
    }

    public String dbUrl() {
        return dbUrl;
    }

    public String dbName() {
        return dbName;
    }

    public CopyCeiling copyCeiling() {
        return copyCeiling;
    }

    /** The first Hookline instance: the one every scenario talks to. */
    public RunningProcess hookline() {
        return hookline;
    }

    public void hookline(RunningProcess h) {
        this.hookline = h;
    }

    /**
     * The last delivery rate measured in this run (chunks/s; warm-up, drain time, steady delivery): sizes the
     * backlogs of the steady measurements, so that a fast server still gives a steady phase of some seconds.
     */
    public double deliveryRateEstimate() {
        return deliveryRateEstimate;
    }

    public void deliveryRateEstimate(double chunksPerSecond) {
        if (chunksPerSecond > 0 && !Double.isNaN(chunksPerSecond)) {
            this.deliveryRateEstimate = chunksPerSecond;
        }
    }

    /** A destination to this run's sink: chunkSize, and the sink's callback options besides the tag. */
    public JsonObject destination(String tag, int chunkSize, String... sinkOptions) {
        return new JsonObject()
                .put("callbackUrl", sink.callback(tag, sinkOptions))
                .put("chunkSize", chunkSize);
    }
}
