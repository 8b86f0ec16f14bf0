package io.hookline.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A template's webhook destination. Secrets ({@code signingSecret}, {@code previousSigningSecret}) are held
 * decrypted in memory only; the API never shows them. {@code recordFormat} and {@code chunkFormat} reshape
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
        FIXED,
        EXPONENTIAL;

        public String wireName() {
            return name().toLowerCase();
        }
    }
}
