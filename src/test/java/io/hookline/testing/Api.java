package io.hookline.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A plain blocking HTTP client for Hookline's API, used from the test thread (never an event loop). Every response is
 * checked against the server's OpenAPI document ({@link OpenApiCheck}) before a test sees it.
 */
public final class Api {

    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private String bearer;

    public Api(String base) {
        this.base = base;
    }

    public Api withKey(String key) {
        Api other = new Api(base);
        other.bearer = key;
        return other;
    }

    public String base() {
        return base;
    }

    /** A response: status, headers, the raw body and the body as JSON (null when it is not JSON). */
    public record Response(int status, HttpHeaders headers, String body) {
        public JsonObject json() {
            return body == null || body.isEmpty() ? null : new JsonObject(body);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The field names listed in a problem's errors. */
        public List<String> errorFields() {
            List<String> fields = new ArrayList<>();
            JsonArray errors = json() == null ? null : json().getJsonArray("errors");
            if (errors != null) {
                errors.forEach(e -> fields.add(((JsonObject) e).getString("field")));
            }
            return fields;
        }
    }

    public Response send(String method, String path, String contentType, String body, String... headers) {
        return sendBytes(
                method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** Sends raw bytes (for bodies that are not valid text); extra headers as name, value pairs. */
    public Response sendBytes(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Response response = new Response(r.statusCode(), r.headers(), r.body());
            OpenApiCheck.get().check(method, path, response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    public Response put(String path, JsonObject body) {
        return send("PUT", path, "application/json", body.encode());
    }

    public Response post(String path, JsonObject body, String... headers) {
        return send("POST", path, "application/json", body == null ? null : body.encode(), headers);
    }

    public Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** PUTs a destination and insists on success. */
    public JsonObject destination(String template, JsonObject body) {
        Response r = put("/v1/templates/" + template + "/destination", body);
        if (r.status() != 200 && r.status() != 201) {
            throw new AssertionError("PUT destination answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** POSTs an import and insists on a 202; answers its uploadId. */
    public String importRecords(String template, JsonArray records, JsonObject more) {
        JsonObject body = new JsonObject().put("template", template).put("records", records);
        if (more != null) {
            more.forEach(e -> body.put(e.getKey(), e.getValue()));
        }
        Response r = post("/v1/imports", body);
        if (r.status() != 202) {
            throw new AssertionError("POST /v1/imports answered " + r.status() + ": " + r.body());
        }
        return r.json().getString("uploadId");
    }

    public JsonObject importView(String uploadId) {
        Response r = get("/v1/imports/" + uploadId);
        if (r.status() != 200) {
            throw new AssertionError("GET import answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** Waits until the import is no longer QUEUED or SENDING; answers its final view. */
    public JsonObject awaitFinished(String uploadId, Duration timeout) {
        return Await.until(
                () -> {
                    JsonObject v = importView(uploadId);
                    String s = v.getString("status");
                    return s.equals("QUEUED") || s.equals("SENDING") ? null : v;
                },
                timeout,
                "import " + uploadId + " to finish");
    }

    public JsonArray items(String path) {
        Response r = get(path);
        if (r.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.json().getJsonArray("items");
    }

    public static String uniqueTemplate(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
