package io.hookline.api;

import io.hookline.http.Problem;
import io.hookline.security.TargetPolicy;
import io.hookline.security.WebhookSigner;
import io.hookline.store.Destination;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a PUT body into a {@link Destination}, or into the list of every field that breaks a rule of the contract. */
public final class DestinationValidator {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}");
    private static final Set<String> FIELDS = Set.of(
            "callbackUrl",
            "authHeaderName",
            "chunkSize",
            "retryCount",
            "retryInterval",
            "timeoutMs",
            "rateLimit",
            "maxConcurrency",
            "ordered",
            "signingSecret",
            "retryBackoff",
            "maxRetryInterval",
            "noRetryStatuses",
            "recordFormat",
            "chunkFormat",
            "notifyUrl");
    /** Headers Hookline itself sets on every webhook request. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "content-type",
            "content-length",
            "host",
            "transfer-encoding",
            "connection",
            "user-agent",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature");

    private final TargetPolicy targets;
    private final List<Problem.FieldError> errors = new ArrayList<>();

    private DestinationValidator(TargetPolicy targets) {
        this.targets = targets;
    }

    /** The destination, or null with {@code errors} filled. */
    public static Result validate(String template, JsonObject body, TargetPolicy targets) {
        DestinationValidator v = new DestinationValidator(targets);
        Destination d = v.parse(template, body);
        return new Result(v.errors.isEmpty() ? d : null, List.copyOf(v.errors));
    }

    public record Result(Destination destination, List<Problem.FieldError> errors) {}

    private Destination parse(String template, JsonObject body) {
        for (String name : body.fieldNames()) {
            if (!FIELDS.contains(name)) {
                error(name, "unknown field");
            }
        }
        String callbackUrl = url("callbackUrl", body.getValue("callbackUrl"), true);
        String authHeaderName = authHeaderName(body.getValue("authHeaderName"));
        int chunkSize = (int) integer(body, "chunkSize", 1, 10_000, 100);
        int retryCount = (int) integer(body, "retryCount", 0, 100, 0);
        long retryInterval = integer(body, "retryInterval", 0, 86_400_000, 0);
        int timeoutMs = (int) integer(body, "timeoutMs", 100, 300_000, 30_000);
        Double rateLimit = rateLimit(body.getValue("rateLimit"));
        Integer maxConcurrency =
                body.getValue("maxConcurrency") == null ? null : (int) integer(body, "maxConcurrency", 1, 1_000, 16);
        boolean ordered = bool(body, "ordered");
        String signingSecret = signingSecret(body.getValue("signingSecret"));
        Destination.RetryBackoff backoff = backoff(body.getValue("retryBackoff"));
        long maxRetryInterval = integer(body, "maxRetryInterval", 1, 86_400_000, 3_600_000);
        List<Integer> noRetry = noRetryStatuses(body.getValue("noRetryStatuses"));
        JsonObject recordFormat = format(body, "recordFormat");
        JsonObject chunkFormat = format(body, "chunkFormat");
        String notifyUrl = url("notifyUrl", body.getValue("notifyUrl"), false);
        return new Destination(
                template,
                callbackUrl,
                authHeaderName,
                chunkSize,
                retryCount,
                retryInterval,
                timeoutMs,
                rateLimit,
                maxConcurrency,
                ordered,
                backoff,
                maxRetryInterval,
                noRetry,
                signingSecret,
                null,
                null,
                recordFormat,
                chunkFormat,
                notifyUrl);
    }

    private void error(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
    }

    /** An absolute http(s) URL whose host, when it is an address, the target policy permits. */
    private String url(String field, Object value, boolean required) {
        if (value == null) {
            if (required) {
                error(field, "is required");
            }
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            error(field, "must be an absolute http or https URL");
            return null;
        }
        if (s.length() > 2048) {
            error(field, "must be at most 2048 characters");
            return null;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            error(field, "is not a valid URL");
            return null;
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null
                || uri.getHost().isEmpty()) {
            error(field, "must be an absolute http or https URL");
            return null;
        }
        if (uri.getUserInfo() != null) {
            error(field, "must not contain user info; use authHeaderName for credentials");
            return null;
        }
        if (uri.getFragment() != null) {
            error(field, "must not contain a fragment");
            return null;
        }
        InetAddress literal = literalAddress(uri.getHost());
        if (literal != null && !targets.permits(literal)) {
            error(
                    field,
                    "points to a loopback, private or reserved address, which is blocked "
                            + "(HOOKLINE_ALLOW_PRIVATE_TARGETS=true allows it)");
            return null;
        }
        return s;
    }

    /** The address when the host is an IP literal, else null (host names are checked when they are resolved). */
    static InetAddress literalAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean v4 = h.matches("[0-9.]+");
        boolean v6 = h.contains(":");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(h); // a literal: no lookup is made
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A custom format: a JSON object, or null. */
    private JsonObject format(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        error(field, "must be a JSON object or null");
        return null;
    }

    private String authHeaderName(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || !TOKEN.matcher(s).matches()) {
            error("authHeaderName", "must be an HTTP header name (RFC 7230 token, 1 to 256 characters)");
            return null;
        }
        if (RESERVED_HEADERS.contains(s.toLowerCase())) {
            error("authHeaderName", "is a header Hookline sets itself");
            return null;
        }
        return s;
    }

    private long integer(JsonObject body, String field, long min, long max, long fallback) {
        Object value = body.getValue(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            error(field, "must be an integer from " + min + " to " + max);
            return fallback;
        }
        long n = ((Number) value).longValue();
        if (n < min || n > max) {
            error(field, "must be an integer from " + min + " to " + max);
            return fallback;
        }
        return n;
    }

    private Double rateLimit(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number n)
                || value instanceof java.math.BigInteger
                || value instanceof java.math.BigDecimal
                || !(n.doubleValue() > 0)
                || n.doubleValue() > 100_000
                || Double.isNaN(n.doubleValue())) {
            error("rateLimit", "must be null or a number of requests per second above 0 and at most 100000");
            return null;
        }
        return n.doubleValue();
    }

    private boolean bool(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            error(field, "must be true or false");
            return false;
        }
        return b;
    }

    private String signingSecret(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s && s.startsWith(WebhookSigner.PREFIX)) {
            try {
                int n = WebhookSigner.secretBytes(s).length;
                if (n >= 24 && n <= 64) {
                    return s;
                }
            } catch (IllegalArgumentException ignored) {
                // falls through to the error
            }
        }
        error("signingSecret", "must be whsec_ followed by the base64 of 24 to 64 random bytes");
        return null;
    }

    private Destination.RetryBackoff backoff(Object value) {
        if (value == null) {
            return Destination.RetryBackoff.FIXED;
        }
        if ("fixed".equals(value)) {
            return Destination.RetryBackoff.FIXED;
        }
        if ("exponential".equals(value)) {
            return Destination.RetryBackoff.EXPONENTIAL;
        }
        error("retryBackoff", "must be \"fixed\" or \"exponential\"");
        return Destination.RetryBackoff.FIXED;
    }

    private List<Integer> noRetryStatuses(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.size() > 100) {
            error("noRetryStatuses", "must be an array of at most 100 HTTP status codes");
            return List.of();
        }
        Set<Integer> codes = new LinkedHashSet<>();
        for (int i = 0; i < array.size(); i++) {
            Object code = array.getValue(i);
            if (!(code instanceof Integer c) || c < 100 || c > 599) {
                error("noRetryStatuses[" + i + "]", "must be an HTTP status code from 100 to 599");
                return List.of();
            }
            codes.add(c);
        }
        return List.copyOf(codes);
    }
}
