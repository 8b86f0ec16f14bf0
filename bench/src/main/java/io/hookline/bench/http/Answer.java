package io.hookline.bench.http;

import io.vertx.core.json.JsonObject;

/** An HTTP status and the JSON object of the body (empty when the body is not one). */
public record Answer(int status, JsonObject body) {

    static Answer of(int status, String text) {
        boolean json = text != null && text.startsWith("{");
        return new Answer(status, json ? new JsonObject(text) : new JsonObject());
    }
}
