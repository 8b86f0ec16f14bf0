package io.hookline.testing;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Holds a live response to the OpenAPI document the server serves ({@code openapi.json} on the class path): the
 * operation's documented statuses must include its status, the media types documented for that status its
 * Content-Type, and vertx-openapi's response validator must accept its headers and body. {@link Api} checks every
 * response it receives, so each status and body shape a test sees is held to the document. A path the document does
 * not have (and that is not a file below a documented folder such as {@code /console/}) must answer the router's 404
 * or 405 problem.
 *
 * <p>vertx-openapi 5.0.7 loads a contract only when every media type in it is one it parses (JSON, text/plain,
 * octet-stream, multipart), so it is given an adapted copy: a {@code +json} type (application/problem+json) becomes
 * application/json, any other type (text/csv, text/html) a text/plain without schema, and each response keeps its
 * document's media types under {@value #MEDIA_TYPES}, which this class checks first. Response header names are lower
 * case in the copy, because the validator looks a header up by its name as written and the response's by lower case.
 */
public final class OpenApiCheck {

    private static final String RESOURCE = "/openapi.json";
    private static final String MEDIA_TYPES = "x-document-media-types";
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private static OpenApiCheck instance;

    private final OpenAPIContract contract;
    private final ResponseValidator validator;
    private final JsonSchema problem;

    private OpenApiCheck(Vertx vertx, OpenAPIContract contract) {
        this.contract = contract;
        this.validator = ResponseValidator.create(vertx, contract);
        this.problem = JsonSchema.of(contract.getRawContract()
                .getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject("Problem"));
    }

    /** The check, made on first use: the document loaded, checked against the OpenAPI 3.1 schema, and adapted. */
    public static synchronized OpenApiCheck get() {
        if (instance == null) {
            // a Vert.x of its own: the validator runs on it, whichever server (in-process or a child process) answered
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2));
            try {
                OpenAPIContract contract =
                        OpenAPIContract.from(vertx, adapted(document())).await(30, TimeUnit.SECONDS);
                instance = new OpenApiCheck(vertx, contract);
            } catch (Exception e) {
                vertx.close();
                throw new AssertionError("openapi.json is not a document vertx-openapi accepts: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /** The document as the server serves it. */
    public static JsonObject document() {
        try (InputStream in = OpenApiCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return new JsonObject(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operations of the document, as {@code "METHOD /path"}. */
    public static Set<String> operations(JsonObject document) {
        Set<String> operations = new TreeSet<>();
        document.getJsonObject("paths")
                .forEach(path -> ((JsonObject) path.getValue())
                        .fieldNames().stream()
                                .filter(METHODS::contains)
                                .forEach(method ->
                                        operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }

    /**
     * Throws an AssertionError saying what does not fit when the response to {@code method pathAndQuery} is not one
     * the document gives.
     */
    public void check(String method, String pathAndQuery, Api.Response r) {
        String path = pathAndQuery.split("[?#]", 2)[0];
        String what = method + " " + path + " answered " + r.status();
        Operation operation = contract.findOperation(path, HttpMethod.valueOf(method));
        if (operation == null) {
            operation = staticFiles(path, HttpMethod.valueOf(method));
        }
        String contentType = r.header("Content-Type");
        if (operation == null) {
            if (r.status() != 404 && r.status() != 405) {
                throw new AssertionError(what + ", but the document has no such operation");
            }
            if (contentType == null || !baseType(contentType).equals("application/problem+json")) {
                throw new AssertionError(what + " as " + contentType + ", not as application/problem+json");
            }
            OutputUnit result =
                    contract.getSchemaRepository().validator(problem).validate(r.json());
            if (!result.getValid()) {
                throw new AssertionError(
                        what + " with a body that is not a Problem: " + result.getErrors() + "\n" + r.body());
            }
            return;
        }
        Response documented = operation.getResponse(r.status());
        if (documented == null) {
            throw new AssertionError(
                    what + ", a status the document does not give for " + operation.getOperationId() + "\n" + r.body());
        }
        JsonArray mediaTypes = documented.getOpenAPIModel().getJsonArray(MEDIA_TYPES, new JsonArray());
        boolean hasBody = r.body() != null && !r.body().isEmpty();
        String type = contentType == null ? null : baseType(contentType);
        if (mediaTypes.isEmpty() ? hasBody : !mediaTypes.contains(type)) {
            throw new AssertionError(what + " as " + contentType + (hasBody ? " with a body" : " without a body")
                    + "; the document gives " + (mediaTypes.isEmpty() ? "no body" : mediaTypes) + "\n" + r.body());
        }
        Map<String, String> headers = new HashMap<>();
        r.headers().map().forEach((name, values) -> headers.put(name, headerValue(values.get(0))));
        ValidatableResponse response = mediaTypes.isEmpty()
                ? ValidatableResponse.create(r.status(), headers)
                : ValidatableResponse.create(
                        r.status(),
                        headers,
                        Buffer.buffer(r.body(), StandardCharsets.UTF_8.name()),
                        adaptedMediaType(type));
        try {
            validator.validate(response, operation.getOperationId()).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(
                    what + ", which does not fit the document's " + operation.getOperationId() + ": " + e.getMessage()
                            + "\n" + r.body(),
                    e);
        }
    }

    /**
     * A documented path other than {@code /} that ends in {@code /} is a folder of static files: it answers for the
     * files below it and, with a redirect, for itself without the {@code /}.
     */
    private Operation staticFiles(String path, HttpMethod method) {
        for (Operation operation : contract.operations()) {
            String folder = operation.getOpenAPIPath();
            if (folder.length() > 1
                    && folder.endsWith("/")
                    && operation.getHttpMethod().equals(method)
                    && (path.startsWith(folder) || path.equals(folder.substring(0, folder.length() - 1)))) {
                return operation;
            }
        }
        return null;
    }

    /**
     * The value as vertx-openapi 5.0.7 decodes it: it reads a header as JSON, and text that is not JSON as a string by
     * putting quotes around it, which breaks on text with quotes of its own ({@code Bearer realm="hookline"}); such
     * text is handed over as a JSON string.
     */
    private static String headerValue(String value) {
        try {
            Json.decodeValue(value);
            return value;
        } catch (DecodeException e) {
            return Json.encode(value);
        }
    }

    private static String baseType(String contentType) {
        return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String adaptedMediaType(String type) {
        if (MediaType.isMediaTypeSupported(type) && !type.startsWith("text/")) {
            return type;
        }
        return type.endsWith("+json") ? MediaType.APPLICATION_JSON : MediaType.TEXT_PLAIN;
    }

    /** The copy of the document vertx-openapi can load (see the class comment). */
    static JsonObject adapted(JsonObject document) {
        JsonObject copy = document.copy();
        copy.getJsonObject("paths")
                .forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
                    if (METHODS.contains(op.getKey())) {
                        JsonObject operation = (JsonObject) op.getValue();
                        JsonObject body = operation.getJsonObject("requestBody");
                        if (body != null && body.containsKey("content")) {
                            body.put("content", adaptedContent(body.getJsonObject("content")));
                        }
                        operation
                                .getJsonObject("responses")
                                .forEach(response -> adaptResponse((JsonObject) response.getValue()));
                    }
                }));
        JsonObject shared = copy.getJsonObject("components").getJsonObject("responses", new JsonObject());
        shared.forEach(response -> adaptResponse((JsonObject) response.getValue()));
        return copy;
    }

    private static void adaptResponse(JsonObject response) {
        if (response.containsKey("$ref")) {
            return; // adapted where it is defined
        }
        JsonObject content = response.getJsonObject("content", new JsonObject());
        response.put(MEDIA_TYPES, new JsonArray(List.copyOf(content.fieldNames())));
        if (!content.isEmpty()) {
            response.put("content", adaptedContent(content));
        }
        JsonObject headers = response.getJsonObject("headers");
        if (headers != null) {
            JsonObject lower = new JsonObject();
            headers.forEach(h -> lower.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            response.put("headers", lower);
        }
    }

    private static JsonObject adaptedContent(JsonObject content) {
        JsonObject adapted = new JsonObject();
        content.forEach(entry -> {
            String type = adaptedMediaType(entry.getKey());
            JsonObject model = type.equals(MediaType.TEXT_PLAIN) ? new JsonObject() : (JsonObject) entry.getValue();
            Object before = adapted.getValue(type);
            if (before != null && !before.equals(model)) {
                throw new IllegalStateException("two media types of one body both become " + type + ": " + content);
            }
            adapted.put(type, model);
        });
        return adapted;
    }
}
