package io.hookline.bench.http;

import io.hookline.bench.process.RunningProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Hookline's public API as the bench uses it: destinations, imports (JSON and CSV bodies from files), status. */
public final class HooklineClient {

    private static final Set<String> FINISHED = Set.of("COMPLETED", "PARTIALLY_DELIVERED", "FAILED");

    private final HttpClient http;

    public HooklineClient(HttpClient http) {
        this.http = http;
    }

    public HttpClient http() {
        return http;
    }

    /** Any request; the answer whatever its status. */
    public Answer call(RunningProcess h, String method, String path, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.encode()));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return Answer.of(r.statusCode(), r.body());
    }

    /** A request that must succeed (2xx); its JSON body. */
    public JsonObject api(RunningProcess h, String method, String path, JsonObject body) throws Exception {
        Answer a = call(h, method, path, body);
        if (a.status() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + a.status() + ": " + a.body());
        }
        return a.body();
    }

    public void putDestination(RunningProcess h, String template, JsonObject destination) throws Exception {
        api(h, "PUT", "/v1/templates/" + template + "/destination", destination);
    }

    public void deleteDestination(RunningProcess h, String template) throws Exception {
        api(h, "DELETE", "/v1/templates/" + template + "/destination?force=true", null);
    }

    /**
     * POST .../destination/pause: true when paused, false when this server has no such route (404 or 405, as before
     * the second release); anything else is an error.
     */
    public boolean pause(RunningProcess h, String template) throws Exception {
        return pauseOrResume(h, template, "pause");
    }

    public void resume(RunningProcess h, String template) throws Exception {
        if (!pauseOrResume(h, template, "resume")) {
            throw new IllegalStateException("resume is not served, though pause was");
        }
    }

    private boolean pauseOrResume(RunningProcess h, String template, String what) throws Exception {
        Answer a = call(h, "POST", "/v1/templates/" + template + "/destination/" + what, null);
        if (a.status() == 404 || a.status() == 405) {
            return false;
        }
        if (a.status() != 200) {
            throw new IllegalStateException(what + " of " + template + " answered " + a.status() + ": " + a.body());
        }
        return true;
    }

    /** POST /v1/imports with a JSON body from a file. */
    public Posted postJson(RunningProcess h, Path file) throws Exception {
        return postFile(h, "/v1/imports", "application/json", file);
    }

    /** POST /v1/imports?template=T with a text/csv body from a file. */
    public Posted postCsv(RunningProcess h, String template, Path file) throws Exception {
        return postFile(h, "/v1/imports?template=" + template, "text/csv", file);
    }

    public Posted postFile(RunningProcess h, String path, String contentType, Path file) throws Exception {
        return postFileAsync(h, path, contentType, file).get(30, TimeUnit.MINUTES);
    }

    public CompletableFuture<Posted> postFileAsync(RunningProcess h, String path, String contentType, Path file)
            throws Exception {
        long bytes = Files.size(file);
        HttpRequest req = HttpRequest.newBuilder(URI.create(h.base() + path))
                .timeout(Duration.ofMinutes(20))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofFile(file))
                .build();
        long start = System.nanoTime();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            long end = System.nanoTime();
            return new Posted(
                    r.statusCode(), Answer.of(r.statusCode(), r.body()).body(), start, end, bytes);
        });
    }

    public JsonObject importView(RunningProcess h, String uploadId) throws Exception {
        return api(h, "GET", "/v1/imports/" + uploadId, null);
    }

    /** Polls the import every 20 ms until it is finished; its last view. */
    public JsonObject awaitDone(RunningProcess h, String uploadId, int timeoutSecs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = importView(h, uploadId);
            if (FINISHED.contains(last.getString("status"))) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(uploadId + " not done after " + timeoutSecs + " s: " + last);
    }
}
