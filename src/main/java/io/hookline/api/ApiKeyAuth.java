package io.hookline.api;

import io.hookline.http.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * {@code Authorization: Bearer KEY} on every /v1 route. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a key matched, or its length.
 * The key a request used is named in the routing context under {@link #KEY} by its position in the configured list
 * ({@code "key 1"}, ...), never by its value, so per-key limits can tell clients apart.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {

    /** Routing context entry: which configured key the request presented; absent when the server has no keys. */
    public static final String KEY = "hookline.apiKey";

    private final List<byte[]> keyDigests;

    public ApiKeyAuth(List<String> keys) {
        this.keyDigests = keys.stream().map(ApiKeyAuth::digest).toList();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] presented = digest(header.substring(7).trim());
            int match = -1;
            for (int i = 0; i < keyDigests.size(); i++) {
                // every key is compared, whichever matches
                if (MessageDigest.isEqual(keyDigests.get(i), presented)) {
                    match = i;
                }
            }
            if (match >= 0) {
                ctx.put(KEY, "key " + (match + 1));
                ctx.next();
                return;
            }
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hookline\"");
        Problem.of(
                        401,
                        header == null
                                ? "an API key is required: Authorization: Bearer KEY"
                                : "the API key is not valid")
                .send(ctx);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
