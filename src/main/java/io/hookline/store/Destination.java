package io.hookline.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A template's webhook destination. Secrets ({@code signingSecret}, {@code previousSigningSecret}) are held
 * decrypted in memory only; {@link #toJson()} never includes them. {@code recordFormat} and {@code chunkFormat} reshape
 * records and chunk bodies (copied onto each import when it is accepted); {@code notifyUrl} hears of ended imports and
 * of the circuit.
 */
public record Destination(
    String template,
    String callbackUrl,
    String authHeaderName,
    int chunkSize,
    int retryCount,
    long retryIntervalMs,
    int timeoutMs,
    Double rateLimit,
    Integer maxConcurrency,
    boolean ordered,
    RetryBackoff retryBackoff,
    long maxRetryIntervalMs,
    List<Integer> noRetryStatuses,
    String signingSecret,
    String previousSigningSecret,
    Instant previousSecretUntil,
    JsonObject recordFormat,
    JsonObject chunkFormat,
    String notifyUrl) {

  /** A template's code, the destination's key: in paths, query parameters and import bodies alike. */
  public static final Pattern TEMPLATE_CODE = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  public enum RetryBackoff {
    FIXED, EXPONENTIAL;

    public String wireName() {
      return name().toLowerCase();
    }
  }

  public Destination withSecrets(String current, String previous, Instant previousUntil) {
    return new Destination(template, callbackUrl, authHeaderName, chunkSize, retryCount, retryIntervalMs, timeoutMs,
        rateLimit, maxConcurrency, ordered, retryBackoff, maxRetryIntervalMs, noRetryStatuses, current, previous,
        previousUntil, recordFormat, chunkFormat, notifyUrl);
  }

  /** The API view: everything but secrets. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("template", template)
        .put("callbackUrl", callbackUrl)
        .put("authHeaderName", authHeaderName)
        .put("chunkSize", chunkSize)
        .put("retryCount", retryCount)
        .put("retryInterval", retryIntervalMs)
        .put("timeoutMs", timeoutMs)
        .put("rateLimit", rateLimit == null ? null : asNumber(rateLimit))
        .put("maxConcurrency", maxConcurrency)
        .put("ordered", ordered)
        .put("signing", signingSecret != null)
        .put("retryBackoff", retryBackoff.wireName())
        .put("maxRetryInterval", maxRetryIntervalMs)
        .put("noRetryStatuses", new JsonArray(List.copyOf(noRetryStatuses)))
        .put("recordFormat", recordFormat == null ? null : recordFormat.copy())
        .put("chunkFormat", chunkFormat == null ? null : chunkFormat.copy())
        .put("notifyUrl", notifyUrl);
  }

  private static Number asNumber(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
  }
}
