package io.hookline.ingest;

import io.hookline.config.HooklineConfig;
import io.hookline.http.InvalidRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * The fields of a CSV or NDJSON import, which has no JSON object to carry them: {@code template}, {@code uploadId},
 * {@code extra} (JSON text) and {@code delimiter} (CSV only) in the query string, the auth value in the header
 * {@code Hookline-Auth-Value} (kept out of the URL, which proxies and access logs record).
 */
record ImportQuery(String template, String uploadId, byte[] extra, char delimiter, String authValue) {

    static final String AUTH_HEADER = "Hookline-Auth-Value";
    private static final Set<String> PARAMETERS = Set.of("template", "uploadId", "extra", "delimiter");

    /** Reads and checks the fields; the checks of each value's content are the listener's, as for a JSON body. */
    static ImportQuery read(HttpServerRequest request, BodyFormat format, HooklineConfig.Ingest limits) {
        MultiMap params = request.params();
        for (String name : params.names()) {
            if (!PARAMETERS.contains(name)) {
                throw new InvalidRequest(
                        400,
                        name,
                        "unknown query parameter; a " + format
                                + " import takes template, uploadId, extra"
                                + (format == BodyFormat.CSV ? " and delimiter" : "")
                                + ", and the auth value in the header " + AUTH_HEADER);
            }
            if (params.getAll(name).size() > 1) {
                throw new InvalidRequest(400, name, "is given more than once");
            }
        }
        String template = params.get("template");
        if (template == null) {
            throw new InvalidRequest(400, "template", "is required (as the query parameter ?template=CODE)");
        }
        String extraText = params.get("extra");
        byte[] extra = extraText == null ? null : compactJson(extraText, limits);
        char delimiter = ',';
        String delimiterText = params.get("delimiter");
        if (delimiterText != null) {
            if (format != BodyFormat.CSV) {
                throw new InvalidRequest(400, "delimiter", "is for text/csv bodies only");
            }
            char d = delimiterText.length() == 1 ? delimiterText.charAt(0) : 0;
            if (d == 0 || d >= 0x80 || d == '"' || d == '\r' || d == '\n') {
                throw new InvalidRequest(
                        400, "delimiter", "must be one ASCII character other than a quote or line break");
            }
            delimiter = d;
        }
        List<String> auth = request.headers().getAll(AUTH_HEADER);
        if (auth.size() > 1) {
            throw new InvalidRequest(400, AUTH_HEADER, "is given more than once");
        }
        return new ImportQuery(template, params.get("uploadId"), extra, delimiter, auth.isEmpty() ? null : auth.get(0));
    }

    /** Hands the fields to the listener as a JSON body's would be, the template last (it looks up the destination). */
    void report(ImportBodyParser.Listener listener) {
        if (uploadId != null) {
            listener.uploadId(uploadId);
        }
        if (authValue != null) {
            listener.authHeaderValue(authValue);
        }
        if (extra != null) {
            listener.extra(extra);
        }
        listener.template(template);
    }

    /**
     * Adds the fields to the digest that tells an identical re-post from another body; each one length-prefixed, so
     * that no two different sets of fields digest alike.
     */
    void digest(BodyFormat format, MessageDigest sha256) {
        for (String text : new String[] {format.name(), template, uploadId, String.valueOf(delimiter), authValue}) {
            digest(sha256, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
        }
        digest(sha256, extra);
    }

    private static void digest(MessageDigest sha256, byte[] bytes) {
        sha256.update(
                ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
        if (bytes != null) {
            sha256.update(bytes);
        }
    }

    /**
     * {@code extra} in the compact form a JSON body's {@code extra} is stored in (numbers keep their text), by the JSON
     * body parser itself: the text is parsed as the value of {@code extra} in {@code {"extra":TEXT}}, and anything but
     * that one value (another field, text after it) is refused.
     */
    private static byte[] compactJson(String text, HooklineConfig.Ingest limits) {
        byte[][] found = new byte[1][];
        ImportBodyParser.Listener onlyExtra = new ImportBodyParser.Listener() {
            @Override
            public void template(String code) {
                throw notOneValue();
            }

            @Override
            public void uploadId(String uploadId) {
                throw notOneValue();
            }

            @Override
            public void authHeaderValue(String value) {
                throw notOneValue();
            }

            @Override
            public void extra(byte[] json) {
                found[0] = json;
            }

            @Override
            public void record(byte[] bytes, int length, long index) {
                throw notOneValue();
            }

            @Override
            public void end() {}
        };
        ImportBodyParser parser = new ImportBodyParser(onlyExtra, limits.maxDepth(), limits.maxRecordBytes());
        try {
            parser.feed(("{\"extra\":" + text + "}").getBytes(StandardCharsets.UTF_8));
            parser.endOfInput();
        } catch (InvalidRequest e) {
            throw new InvalidRequest(400, "extra", e.getMessage());
        }
        if (!parser.done() || parser.seenRecords()) {
            throw notOneValue();
        }
        return found[0];
    }

    private static InvalidRequest notOneValue() {
        return new InvalidRequest(400, "extra", "must be one JSON value (JSON text, URL-encoded in the query)");
    }
}
