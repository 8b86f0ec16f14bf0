package io.hookline.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * An RFC 9457 problem: {@code {"type","title","status","detail"}} plus {@code errors:[{field,message}]} for invalid
 * input. Messages never carry a submitted value, only what is wrong with it.
 */
public record Problem(int status, String title, String detail, List<FieldError> errors) {

    public static final String CONTENT_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {}

    public static Problem invalid(List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid: "
                        + String.join(
                                ", ", errors.stream().map(FieldError::field).toList());
        return new Problem(400, title(400), detail, errors);
    }

    public static Problem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    /** Every 503 for a database that does not answer says the same; the caller adds Retry-After where it is sent. */
    public static Problem databaseUnavailable() {
        return of(503, "the database is unavailable; try again");
    }

    public static Problem of(int status, String detail) {
        return new Problem(status, title(status), detail, List.of());
    }

    public static Problem of(int status, String field, String message) {
        return new Problem(status, title(status), field + ": " + message, List.of(new FieldError(field, message)));
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        if (!errors.isEmpty()) {
            JsonArray list = new JsonArray();
            errors.forEach(
                    e -> list.add(new JsonObject().put("field", e.field()).put("message", e.message())));
            json.put("errors", list);
        }
        return json;
    }

    public Future<Void> send(RoutingContext ctx) {
        return send(ctx.response());
    }

    public Future<Void> send(HttpServerResponse response) {
        if (response.ended() || response.headWritten()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status)
                .putHeader("Content-Type", CONTENT_TYPE)
                .end(toJson().toBuffer());
    }

    /** The status's reason phrase (RFC 9110), the title RFC 9457 asks for when the type is about:blank. */
    static String title(int status) {
        return switch (status) {
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            default -> HttpResponseStatus.valueOf(status).reasonPhrase();
        };
    }
}
