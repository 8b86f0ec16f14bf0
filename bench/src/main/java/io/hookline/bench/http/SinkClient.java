package io.hookline.bench.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The sink's control routes: counts and receipts per tag, reset, release of held requests, its clock. */
public final class SinkClient {

    private final HttpClient http;
    private final String base;

    public SinkClient(HttpClient http, String base) {
        this.http = http;
        this.base = base;
    }

    /** A callback URL of this sink: {@code /w?tag=TAG} plus the given options (e.g. "rec=1", "delay=2000"). */
    public String callback(String tag, String... options) {
        StringBuilder sb = new StringBuilder(base).append("/w?tag=").append(tag);
        for (String o : options) {
            sb.append('&').append(o);
        }
        return sb.toString();
    }

    /** Count, statuses, 100 ms buckets and (for rec=1) receipts [uploadId, nanoTime] of one tag. */
    public JsonObject stats(String tag) throws Exception {
        return new JsonObject(get("/_stats?tag=" + tag));
    }

    /** Requests received per tag, cheaply (no buckets, no receipts). */
    public JsonObject counts(List<String> tags) throws Exception {
        return new JsonObject(get("/_counts?tags=" + String.join(",", tags)));
    }

    /** Receive times (the sink's System.nanoTime) of one tag, sorted. */
    public List<Long> receiptTimes(String tag) throws Exception {
        List<Long> times = new ArrayList<>();
        stats(tag).getJsonArray("receipts").forEach(o -> times.add(((JsonArray) o).getLong(1)));
        times.sort(Long::compare);
        return times;
    }

    public JsonObject awaitCount(String tag, long count, int timeoutSecs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSecs);
        JsonObject st = stats(tag);
        while (st.getLong("count") < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            st = stats(tag);
        }
        return st;
    }

    public void reset() throws Exception {
        post("/_reset");
    }

    /** Answers every request of the tag that the sink holds (callback option "hold=1"). */
    public void release(String tag) throws Exception {
        post("/_release?tag=" + tag);
    }

    /** The sink's nanoTime minus ours (expected ~0 on Linux: both read CLOCK_MONOTONIC); midpoint of a round trip. */
    public long clockSkewNanos() throws Exception {
        long best = Long.MAX_VALUE;
        long skew = 0;
        for (int i = 0; i < 5; i++) {
            long a = System.nanoTime();
            String now = get("/_now");
            long b = System.nanoTime();
            if (b - a < best) {
                best = b - a;
                skew = Long.parseLong(now.trim()) - (a + b) / 2;
            }
        }
        return Math.abs(skew) < best ? 0 : skew;
    }

    private String get(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    }

    private void post(String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
