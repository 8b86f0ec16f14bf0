package io.hookline.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * {@code Authorization: Bearer KEY} on every /v1 route. Keys are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, so the time taken says nothing about how much of a key matched, or its length.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {

  private final List<byte[]> keyDigests;

  public ApiKeyAuth(List<String> keys) {
    this.keyDigests = keys.stream().map(ApiKeyAuth::digest).toList();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      byte[] presented = digest(header.substring(7).trim());
      boolean match = false;
      for (byte[] key : keyDigests) {
        match |= MessageDigest.isEqual(key, presented);
      }
      if (match) {
        ctx.next();
        return;
      }
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"hookline\"");
    Problem.of(401, header == null ? "an API key is required: Authorization: Bearer KEY" : "the API key is not valid")
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
