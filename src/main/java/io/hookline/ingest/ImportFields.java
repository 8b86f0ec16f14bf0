package io.hookline.ingest;

import io.hookline.http.InvalidRequest;
import io.hookline.security.SecretBox;
import io.hookline.store.Destination;
import io.hookline.store.ImportRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An upload's fields other than its records: its headers, checked before the body is read, and the body's fields
 * (or a CSV or NDJSON import's query parameters), checked as the parser reports them; then the import row they make.
 * A field that breaks its rule throws {@link InvalidRequest} naming it.
 */
final class ImportFields {

    private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String idempotencyKey;
    private String template;
    private String uploadId;
    private String authValue;
    private byte[] extra;

    ImportFields(String idempotencyKey) {
        this.idempotencyKey = idempotencyKey;
    }

    /** The body's format, once the headers are found fit: Content-Type, Idempotency-Key, Content-Length. */
    static BodyFormat checkHeaders(HttpServerRequest request, long maxBodyBytes) {
        BodyFormat format = BodyFormat.of(request.getHeader("Content-Type"));
        if (format == null) {
            throw new InvalidRequest(
                    415, "Content-Type", "must be " + BodyFormat.SUPPORTED + " (CSV and NDJSON in UTF-8)");
        }
        String idempotencyKey = request.getHeader("Idempotency-Key");
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidRequest(400, "Idempotency-Key", "must be 1 to 255 visible ASCII characters");
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new InvalidRequest(400, "Content-Length", "is not a number");
            }
            if (declared > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
        }
        return format;
    }

    static InvalidRequest tooLarge(long maxBodyBytes) {
        return new InvalidRequest(413, "body", "larger than " + maxBodyBytes + " bytes (ingest.maxBodyBytes)");
    }

    void template(String code) {
        if (!Destination.TEMPLATE_CODE.matcher(code).matches()) {
            throw new InvalidRequest(400, "template", "must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        template = code;
    }

    void uploadId(String id) {
        if (!UPLOAD_ID.matcher(id).matches()) {
            throw new InvalidRequest(400, "uploadId", "must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        uploadId = id;
    }

    void authHeaderValue(String value) {
        if (value.length() > 8192) {
            throw new InvalidRequest(400, "authHeaderValue", "must be at most 8192 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new InvalidRequest(400, "authHeaderValue", "must not contain control characters");
            }
        }
        authValue = value;
    }

    void extra(byte[] json) {
        extra = json;
    }

    /** Null until the body names it. */
    String template() {
        return template;
    }

    /** The client's upload id; null when it gave none (the import gets a random one). */
    String uploadId() {
        return uploadId;
    }

    String idempotencyKey() {
        return idempotencyKey;
    }

    /**
     * The import row: the auth value sealed, a fresh webhook key, and the destination's formats as they are now, fixed
     * for the import from then on.
     */
    ImportRepository.NewImport newImport(
            Destination destination, long records, int totalPages, byte[] bodySha256, SecretBox secrets) {
        String id = uploadId != null ? uploadId : UUID.randomUUID().toString();
        return new ImportRepository.NewImport(
                id,
                idempotencyKey,
                template,
                webhookKey(),
                destination.chunkSize(),
                records,
                totalPages,
                extra == null ? null : Buffer.buffer(extra),
                authValue == null ? null : Buffer.buffer(secrets.seal(authValue)),
                bodySha256,
                encoded(destination.recordFormat()),
                encoded(destination.chunkFormat()));
    }

    private static String encoded(JsonObject format) {
        return format == null ? null : format.encode();
    }

    private static String webhookKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
