package io.hookline.delivery;

import io.hookline.security.TargetPolicy;
import io.hookline.security.WebhookSigner;
import io.hookline.store.ClaimedChunk;
import io.hookline.store.Destination;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLException;

/**
 * Sends one webhook request. Redirects never followed, keep-alive, no pipelining, pool and wait queue bounded. The
 * timeout is a hard deadline over the whole exchange (connect, send, response and body), enforced with a timer that
 * resets the request. At most 2 KiB of a response body is kept.
 *
 * <p>One connection pool per destination (an HTTP client each, made on first use, all with the same options):
 * Vert.x pools per host and port, so destinations on one host would otherwise share a pool, and enough hanging
 * requests of some could leave the others queued behind them. Each destination's own cap (maxConcurrency) bounds
 * its pool; an idle pool holds no connections after the idle timeout.
 *
 * <p>The core HttpClient is used rather than WebClient because a whole-request deadline that frees the connection
 * and a capped body are both simpler to get right on it. One per sender shard, called only from its event loop.
 */
public final class WebhookClient {

    static final String USER_AGENT = "Hookline/" + version();
    /** A response body past this is not worth reading to keep the connection: the connection is reset instead. */
    private static final int DRAIN_LIMIT = 64 * 1024;

    private static final long DNS_CACHE_MS = 30_000;

    private final Vertx vertx;
    private final HttpClientOptions clientOptions;
    private final PoolOptions poolOptions;
    private final Map<String, HttpClientAgent> clients = new HashMap<>();
    private final TargetPolicy targets;
    private final int excerptBytes;
    private final Map<String, Resolved> dnsCache = new HashMap<>();

    private record Resolved(InetAddress address, String blockedReason, long expiresAt) {}

    /** Makes the client of each sender shard (and of each API verticle, for test sends), with the same policies. */
    public record Factory(TargetPolicy targets, int excerptBytes, TrustOptions trust) {
        public WebhookClient create(Vertx vertx) {
            return new WebhookClient(vertx, targets, excerptBytes, trust);
        }
    }

    WebhookClient(Vertx vertx, TargetPolicy targets, int excerptBytes, TrustOptions trust) {
        this.vertx = vertx;
        this.targets = targets;
        this.excerptBytes = excerptBytes;
        this.clientOptions = new HttpClientOptions()
                .setVerifyHost(true)
                .setTrustAll(false)
                .setKeepAlive(true)
                .setPipelining(false)
                .setMaxRedirects(0)
                .setConnectTimeout(10_000)
                .setIdleTimeout(60)
                .setDecompressionSupported(false)
                .setName("hookline-webhooks");
        if (trust != null) {
            clientOptions.setTrustOptions(trust);
        }
        // The lane never has more requests out than the destination's cap, which bounds each pool well below this.
        this.poolOptions = new PoolOptions().setHttp1MaxSize(1024).setMaxWaitQueueSize(16_384);
    }

    private HttpClientAgent clientFor(Destination d) {
        return clients.computeIfAbsent(d.template(), t -> vertx.createHttpClient(clientOptions, poolOptions));
    }

    /**
     * One request in flight. Its deadline is the destination's {@code timeoutMs} when it started, and comes forward
     * when the destination's timeout is lowered while it runs: a receiver that hangs is given up on at the new timeout.
     */
    final class Exchange {
        private final Instant startedAt = Instant.now();
        private final long t0 = System.nanoTime();
        private final Promise<AttemptResult> result = Promise.promise();
        private HttpClientRequest request;
        private int timeoutMs;
        private long timer = -1;
        private boolean withheld;

        private Exchange(int timeoutMs) {
            arm(timeoutMs);
        }

        /** Completes with the attempt's result; never fails. */
        Future<AttemptResult> result() {
            return result.future();
        }

        /** The request was not written because {@code mayWrite} said no once its connection was ready: no attempt. */
        boolean withheld() {
            return withheld;
        }

        /** Applies a lower timeout to this request (a higher one only applies to later requests). */
        void tighten(int newTimeoutMs) {
            if (newTimeoutMs < timeoutMs && !result.future().isComplete()) {
                vertx.cancelTimer(timer);
                arm(newTimeoutMs);
            }
        }

        /** Cuts the request off (shutdown); its result says so. */
        void cancel() {
            if (result.tryComplete(failure(startedAt, t0, "cancelled at shutdown")) && request != null) {
                request.reset();
            }
            vertx.cancelTimer(timer);
        }

        private void arm(int ms) {
            timeoutMs = ms;
            long left = Math.max(1, ms - (System.nanoTime() - t0) / 1_000_000);
            timer = vertx.setTimer(left, id -> {
                if (result.tryComplete(failure(startedAt, t0, "timeout after " + ms + " ms")) && request != null) {
                    request.reset();
                }
            });
        }

        private void end(AttemptResult r) {
            vertx.cancelTimer(timer);
            result.tryComplete(r);
        }
    }

    /**
     * Starts one attempt of {@code r} with the destination's settings (timeout, auth header name, signing). Every failure
     * is an {@link AttemptResult} with the reason. Runs on the caller's event loop.
     *
     * <p>{@code mayWrite} is asked again at the last moment, when the connection is ready and the bytes are about to be
     * written: getting a connection can take a connect, and a process frozen meanwhile (a stop, a long pause) must not
     * write a request on waking after its lease on the destination ran out and another instance took over.
     */
    Exchange send(Destination d, WebhookRequest r, BooleanSupplier mayWrite) {
        Exchange x = new Exchange(d.timeoutMs());
        if (r.authUnreadable()) {
            x.end(failure(
                    x.startedAt,
                    x.t0,
                    "the stored auth value cannot be decrypted: "
                            + "every instance must run with the same HOOKLINE_ENCRYPTION_KEY"));
            return x;
        }
        URI uri = URI.create(r.url());
        resolve(uri.getHost())
                .compose(address -> {
                    RequestOptions options = new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setAbsoluteURI(r.url())
                            .setFollowRedirects(false)
                            .setHeaders(headers(d, r));
                    if (address != null) {
                        int port = uri.getPort() != -1
                                ? uri.getPort()
                                : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                        // Connect to the address that was checked; Host and SNI keep the name.
                        options.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
                    }
                    return clientFor(d).request(options);
                })
                .compose(req -> {
                    x.request = req;
                    if (x.result.future().isComplete()) {
                        req.reset();
                        return Future.failedFuture("timeout");
                    }
                    if (!mayWrite.getAsBoolean()) {
                        x.withheld = true;
                        req.reset();
                        return Future.failedFuture(
                                "withheld: the lease on the destination ran out before the request was written");
                    }
                    req.putHeader("webhook-timestamp", Long.toString(x.startedAt.getEpochSecond()));
                    String signature = signature(d, r.webhookId(), x.startedAt.getEpochSecond(), r.body());
                    if (signature != null) {
                        req.putHeader("webhook-signature", signature);
                    }
                    return req.send(r.body());
                })
                .compose(response -> readExcerpt(response, x.request)
                        .map(excerpt -> new AttemptResult(
                                x.startedAt,
                                elapsedMs(x.t0),
                                response.statusCode(),
                                response.statusCode() / 100 == 2 ? null : describeStatus(response),
                                excerpt,
                                RetryAfter.parse(response.getHeader("Retry-After"), Instant.now()))))
                .onComplete(
                        ar -> x.end(ar.succeeded() ? ar.result() : failure(x.startedAt, x.t0, describe(ar.cause()))));
        return x;
    }

    /**
     * One request outside the queue (a destination's test send): built and guarded exactly as a chunk's attempt, and
     * its result returned, not recorded.
     */
    public Future<AttemptResult> sendOnce(Destination d, ClaimedChunk c) {
        return send(d, WebhookRequest.of(d.callbackUrl(), c), () -> true).result();
    }

    private MultiMap headers(Destination d, WebhookRequest r) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json")
                .add("User-Agent", USER_AGENT)
                .add("webhook-id", r.webhookId());
        if (d.authHeaderName() != null && r.authValue() != null) {
            h.add(d.authHeaderName(), r.authValue());
        }
        return h;
    }

    /** Standard Webhooks: during a rotation both the new and the previous secret sign, space-separated. */
    static String signature(Destination d, String webhookId, long timestamp, Buffer body) {
        if (d.signingSecret() == null) {
            return null;
        }
        String current = WebhookSigner.sign(d.signingSecret(), webhookId, timestamp, body);
        if (d.previousSigningSecret() != null
                && d.previousSecretUntil() != null
                && d.previousSecretUntil().isAfter(Instant.now())) {
            return current + " " + WebhookSigner.sign(d.previousSigningSecret(), webhookId, timestamp, body);
        }
        return current;
    }

    /** Reads the response, keeping the first bytes; a body too large to be worth draining resets the connection. */
    private Future<String> readExcerpt(HttpClientResponse response, HttpClientRequest request) {
        Promise<String> done = Promise.promise();
        Buffer kept = Buffer.buffer(Math.min(excerptBytes, 256));
        long[] seen = {0};
        response.handler(chunk -> {
            seen[0] += chunk.length();
            if (kept.length() < excerptBytes) {
                kept.appendBuffer(chunk, 0, Math.min(chunk.length(), excerptBytes - kept.length()));
            }
            if (seen[0] > DRAIN_LIMIT && !done.future().isComplete()) {
                done.tryComplete(excerpt(kept));
                response.handler(null);
                request.reset();
            }
        });
        response.exceptionHandler(err -> done.tryComplete(excerpt(kept)));
        response.endHandler(v -> done.tryComplete(excerpt(kept)));
        return done.future();
    }

    private static String excerpt(Buffer kept) {
        if (kept.length() == 0) {
            return null;
        }
        // Cut at the byte limit: a broken last character decodes as U+FFFD rather than failing.
        return new String(kept.getBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Resolves and checks a host name when private targets are not allowed; null means "let the client resolve".
     * The answer is cached for a short while; the request then connects to exactly the address that was checked.
     */
    private Future<InetAddress> resolve(String host) {
        if (targets.allowPrivate()) {
            return Future.succeededFuture(null);
        }
        long now = System.currentTimeMillis();
        Resolved cached = dnsCache.get(host);
        if (cached != null && cached.expiresAt() > now) {
            return cached.blockedReason() != null
                    ? Future.failedFuture(new BlockedTargetException(cached.blockedReason()))
                    : Future.succeededFuture(cached.address());
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(bare), false)
                .map(addresses -> {
                    for (InetAddress a : addresses) {
                        if (!targets.permits(a)) {
                            String reason = "blocked target: " + host + " resolves to a private or reserved address";
                            dnsCache.put(host, new Resolved(null, reason, now + DNS_CACHE_MS));
                            throw new BlockedTargetException(reason);
                        }
                    }
                    dnsCache.put(host, new Resolved(addresses[0], null, now + DNS_CACHE_MS));
                    return addresses[0];
                });
    }

    static final class BlockedTargetException extends RuntimeException {
        BlockedTargetException(String message) {
            super(message, null, false, false);
        }
    }

    private static AttemptResult failure(Instant startedAt, long t0, String error) {
        return new AttemptResult(startedAt, elapsedMs(t0), null, error, null, null);
    }

    private static int elapsedMs(long t0) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - t0) / 1_000_000);
    }

    private static String describeStatus(HttpClientResponse response) {
        int code = response.statusCode();
        if (code >= 300 && code < 400) {
            String location = response.getHeader("Location");
            return "HTTP " + code + " redirect (not followed)"
                    + (location == null ? "" : " to " + truncate(location, 200));
        }
        return "HTTP " + code;
    }

    static String describe(Throwable t) {
        if (t instanceof BlockedTargetException) {
            return t.getMessage();
        }
        if (t instanceof ConnectException) {
            return "connection refused: " + truncate(String.valueOf(t.getMessage()), 200);
        }
        if (t instanceof UnknownHostException) {
            return "DNS lookup failed: " + truncate(String.valueOf(t.getMessage()), 200);
        }
        if (t instanceof SSLException || (t.getCause() instanceof SSLException)) {
            return "TLS error: " + truncate(String.valueOf(t.getMessage()), 200);
        }
        String message = String.valueOf(t.getMessage());
        if (message.contains("Connection reset")) {
            return "connection reset";
        }
        if (t.getClass().getSimpleName().equals("HttpClosedException") || message.contains("Connection was closed")) {
            return "connection closed before the response was complete";
        }
        return truncate(t.getClass().getSimpleName() + ": " + message, 300);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private static String version() {
        String v = WebhookClient.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
