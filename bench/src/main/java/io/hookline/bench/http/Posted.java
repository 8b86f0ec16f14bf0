package io.hookline.bench.http;

import io.vertx.core.json.JsonObject;

/** The answer to one POST /v1/imports and when it was sent and answered (System.nanoTime). */
public record Posted(int status, JsonObject body, long startNanos, long endNanos, long bytes) {

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    public String uploadId() {
        return body.getString("uploadId");
    }

    public int totalPages() {
        return body.getInteger("totalPages");
    }

    /** This answer, or an exception naming what was posted when it is not a 202. */
    public Posted expectAccepted(String what) {
        if (status != 202) {
            throw new IllegalStateException(what + " answered " + status + " " + body);
        }
        return this;
    }
}
