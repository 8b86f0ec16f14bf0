package io.hookline.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bench's webhook receiver, a separate process. Any POST outside {@code /_} is a webhook; its behaviour comes
 * from the query string of the callback URL: {@code tag} (what the counts are filed under), {@code delay} (ms
 * before answering), {@code limit} (requests per second; more get 429 with Retry-After: 1), {@code rec=1} (keep
 * the receive time, System.nanoTime, and the body's uploadId of every request, for latency and rate figures),
 * {@code hold=1} (no answer until {@code POST /_release?tag=T}: a destination that takes no work without being
 * paused). System.nanoTime is CLOCK_MONOTONIC on Linux, so the driver on the same machine can subtract its own
 * readings.
 *
 * <p>{@code GET /_stats?tag=T} answers the counts per 100 ms bucket, statuses and the receipts;
 * {@code GET /_counts?tags=A,B} only the counts, {@code {"A": n, "B": m}}; {@code POST /_reset} forgets everything;
 * {@code GET /_now} answers this process's nanoTime.
 */
public final class Sink {

    static final class Tag {
        final LongAdder count = new LongAdder();
        final LongAdder limited = new LongAdder();
        final ConcurrentHashMap<Long, LongAdder> buckets = new ConcurrentHashMap<>();
        final List<Object[]> receipts = new ArrayList<>(); // guarded by itself
        final List<Runnable> held = new ArrayList<>(); // guarded by itself: answers of hold=1 requests, not yet sent
        long windowSecond;
        int windowCount; // guarded by this
    }

    static final ConcurrentHashMap<String, Tag> TAGS = new ConcurrentHashMap<>();
    static final Buffer OK = Buffer.buffer("{\"ok\":true}");
    static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    static final CharSequence LEN_OK = HttpHeaders.createOptimized(Integer.toString(OK.length()));

    public static void main(String[] args) {
        int port = 0;
        int threads = 2;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--threads")) {
                threads = Integer.parseInt(args[++i]);
            }
        }
        int n = threads;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(n));
        int p;
        if (port == 0) { // a free port, then every instance binds it (Vert.x shares one address among them)
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                p = ss.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            p = port;
        }
        vertx.deployVerticle(() -> new Server(p), new DeploymentOptions().setInstances(n))
                .onSuccess(id -> System.out.println("sink listening on http://127.0.0.1:" + p))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    static final class Server extends VerticleBase {
        private final int port;

        Server(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            return vertx.createHttpServer(
                            new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0))
                    .requestHandler(this::handle)
                    .listen(port, "127.0.0.1");
        }

        private void handle(HttpServerRequest req) {
            String path = req.path();
            if (path.startsWith("/_")) {
                control(req, path);
                return;
            }
            MultiMap q = req.params();
            String tagName = q.get("tag") == null ? "default" : q.get("tag");
            Tag tag = TAGS.computeIfAbsent(tagName, k -> new Tag());
            long now = System.nanoTime();
            long ms = System.currentTimeMillis();
            String limit = q.get("limit");
            if (limit != null && overLimit(tag, ms, Integer.parseInt(limit))) {
                tag.limited.increment();
                req.response().setStatusCode(429).putHeader("Retry-After", "1").end();
                return;
            }
            tag.count.increment();
            tag.buckets.computeIfAbsent(ms / 100, k -> new LongAdder()).increment();
            if ("1".equals(q.get("hold"))) {
                Context context = vertx.getOrCreateContext();
                req.end().onComplete(v -> {
                    synchronized (tag.held) {
                        tag.held.add(() -> context.runOnContext(x -> ok(req)));
                    }
                });
                return;
            }
            String delay = q.get("delay");
            long delayMs = delay == null ? 0 : Long.parseLong(delay);
            if ("1".equals(q.get("rec"))) {
                req.body().onSuccess(body -> {
                    String id = uploadId(body);
                    synchronized (tag.receipts) {
                        tag.receipts.add(new Object[] {id, now});
                    }
                    answer(req, delayMs);
                });
            } else {
                req.end().onComplete(v -> answer(req, delayMs)); // the body is dropped unread
            }
        }

        private void answer(HttpServerRequest req, long delayMs) {
            if (delayMs > 0) {
                vertx.setTimer(delayMs, t -> ok(req));
            } else {
                ok(req);
            }
        }

        private static void ok(HttpServerRequest req) {
            req.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, LEN_OK)
                    .end(OK);
        }

        private static boolean overLimit(Tag tag, long ms, int perSecond) {
            synchronized (tag) {
                long second = ms / 1000;
                if (second != tag.windowSecond) {
                    tag.windowSecond = second;
                    tag.windowCount = 0;
                }
                return ++tag.windowCount > perSecond;
            }
        }

        /** The uploadId of a webhook body: {"template":…,"uploadId":"…",…} — a byte search, no JSON parse. */
        static String uploadId(Buffer body) {
            byte[] b = body.getBytes(0, Math.min(body.length(), 512));
            String head = new String(b, StandardCharsets.UTF_8);
            int i = head.indexOf("\"uploadId\":\"");
            if (i < 0) {
                return null;
            }
            int start = i + 12;
            int end = head.indexOf('"', start);
            return end < 0 ? null : head.substring(start, end);
        }

        private void control(HttpServerRequest req, String path) {
            switch (path) {
                case "/_now" -> req.response().end(Long.toString(System.nanoTime()));
                case "/_counts" -> {
                    JsonObject out = new JsonObject();
                    for (String name : req.getParam("tags", "default").split(",")) {
                        Tag tag = TAGS.get(name);
                        out.put(name, tag == null ? 0 : tag.count.sum());
                    }
                    req.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(out.encode());
                }
                case "/_release" -> {
                    Tag tag = TAGS.get(req.getParam("tag", "default"));
                    List<Runnable> answers = new ArrayList<>();
                    if (tag != null) {
                        synchronized (tag.held) {
                            answers.addAll(tag.held);
                            tag.held.clear();
                        }
                    }
                    answers.forEach(Runnable::run);
                    req.response().end("{\"released\":" + answers.size() + "}");
                }
                case "/_reset" -> {
                    TAGS.clear();
                    req.response().end("{}");
                }
                case "/_stats" -> {
                    Tag tag = TAGS.get(req.getParam("tag", "default"));
                    JsonObject out = new JsonObject();
                    if (tag == null) {
                        out.put("count", 0)
                                .put("limited", 0)
                                .put("buckets", new JsonArray())
                                .put("receipts", new JsonArray());
                    } else {
                        Map<Long, Long> sorted = new TreeMap<>();
                        tag.buckets.forEach((k, v) -> sorted.put(k, v.sum()));
                        JsonArray buckets = new JsonArray();
                        sorted.forEach((k, v) ->
                                buckets.add(new JsonArray().add(k * 100).add(v)));
                        JsonArray receipts = new JsonArray();
                        synchronized (tag.receipts) {
                            tag.receipts.forEach(
                                    r -> receipts.add(new JsonArray().add(r[0]).add(r[1])));
                        }
                        out.put("count", tag.count.sum())
                                .put("limited", tag.limited.sum())
                                .put("buckets", buckets)
                                .put("receipts", receipts);
                    }
                    req.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(out.encode());
                }
                default -> req.response().setStatusCode(404).end();
            }
        }
    }
}
