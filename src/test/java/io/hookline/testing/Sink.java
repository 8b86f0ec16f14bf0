package io.hookline.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP server standing in for a customer's callback URL. It records every request (headers, exact body
 * bytes, arrival time) and answers as the test's {@link Behaviour} says: a status, a delay, extra headers.
 * It runs on a Vert.x of its own so that it never shares an event loop with the server under test.
 */
public final class Sink implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(long atMillis, Map<String, String> headers, byte[] body, int seq) {
        public JsonObject json() {
            return new JsonObject(Buffer.buffer(body));
        }

        public String header(String name) {
            return headers.get(name.toLowerCase());
        }

        public int page() {
            return json().getInteger("page");
        }
    }

    /** How to answer one request: status, delay in ms, extra response headers, body. */
    public record Reply(int status, long delayMs, Map<String, String> headers, String body) {
        public static Reply ok() {
            return new Reply(200, 0, Map.of(), "ok");
        }

        public static Reply status(int status) {
            return new Reply(status, 0, Map.of(), "status " + status);
        }

        public Reply delayed(long ms) {
            return new Reply(status, ms, headers, body);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> h = new HashMap<>(headers);
            h.put(name, value);
            return new Reply(status, delayMs, h, body);
        }

        public Reply withBody(String b) {
            return new Reply(status, delayMs, headers, b);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private volatile Function<Received, Reply> behaviour = r -> Reply.ok();

    /** How much of each body is kept: all of it by default; a sink of very large pages keeps their beginning only. */
    private final int keepBytes;

    public Sink() {
        this(Integer.MAX_VALUE);
    }

    /** A sink that keeps at most the first {@code keepBytes} of each body. */
    public Sink(int keepBytes) {
        this.keepBytes = keepBytes;
        try {
            server = vertx.createHttpServer()
                    .requestHandler(this::handle)
                    .listen(0, "127.0.0.1")
                    .await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("sink did not start", e);
        }
    }

    private void handle(HttpServerRequest req) {
        int now = open.incrementAndGet();
        maxOpen.accumulateAndGet(now, Math::max);
        req.body().onSuccess(body -> {
            Map<String, String> headers = new TreeMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            byte[] kept = body.length() <= keepBytes ? body.getBytes() : body.getBytes(0, keepBytes);
            Received r = new Received(System.currentTimeMillis(), headers, kept, seq.incrementAndGet());
            received.add(r);
            Reply reply = behaviour.apply(r);
            Runnable answer = () -> {
                open.decrementAndGet();
                var resp = req.response().setStatusCode(reply.status());
                reply.headers().forEach(resp::putHeader);
                resp.end(reply.body() == null ? "" : reply.body());
            };
            if (reply.delayMs() > 0) {
                vertx.setTimer(reply.delayMs(), id -> answer.run());
            } else {
                answer.run();
            }
        });
    }

    /** Sets how the sink answers from now on. */
    public Sink answer(Function<Received, Reply> behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /** How many times this webhook-id has been seen so far (1 on its first request), counting this one. */
    public int attemptOf(Received r) {
        return (int) received.stream()
                .filter(x -> x.seq() <= r.seq() && Objects.equals(x.header("webhook-id"), r.header("webhook-id")))
                .count();
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/hook";
    }

    public int port() {
        return server.actualPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> receivedFor(String uploadId) {
        return received.stream()
                .filter(r -> uploadId.equals(r.json().getString("uploadId")))
                .toList();
    }

    public int maxOpenRequests() {
        return maxOpen.get();
    }

    /** Starts counting {@link #maxOpenRequests()} afresh, from the requests open now. */
    public void resetMaxOpenRequests() {
        maxOpen.set(open.get());
    }

    public int openRequests() {
        return open.get();
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("sink did not stop", e);
        }
    }
}
