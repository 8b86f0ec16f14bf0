package io.hookline.api;

import io.hookline.store.Destination;
import io.hookline.store.DestinationSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A destination as the API shows it: its settings, never its secrets, and its delivery state. */
final class DestinationView {

    private DestinationView() {}

    static JsonObject of(DestinationSnapshot s) {
        String state = s.paused() ? "PAUSED" : s.circuitOpenSince() != null ? "CIRCUIT_OPEN" : "ACTIVE";
        return settings(s.destination()).put("state", state);
    }

    private static JsonObject settings(Destination d) {
        return new JsonObject()
                .put("template", d.template())
                .put("callbackUrl", d.callbackUrl())
                .put("authHeaderName", d.authHeaderName())
                .put("chunkSize", d.chunkSize())
                .put("retryCount", d.retryCount())
                .put("retryInterval", d.retryIntervalMs())
                .put("timeoutMs", d.timeoutMs())
                .put("rateLimit", d.rateLimit() == null ? null : asNumber(d.rateLimit()))
                .put("maxConcurrency", d.maxConcurrency())
                .put("ordered", d.ordered())
                .put("signing", d.signingSecret() != null)
                .put("retryBackoff", d.retryBackoff().wireName())
                .put("maxRetryInterval", d.maxRetryIntervalMs())
                .put("noRetryStatuses", new JsonArray(List.copyOf(d.noRetryStatuses())))
                .put(
                        "recordFormat",
                        d.recordFormat() == null ? null : d.recordFormat().copy())
                .put(
                        "chunkFormat",
                        d.chunkFormat() == null ? null : d.chunkFormat().copy())
                .put("notifyUrl", d.notifyUrl());
    }

    /** A whole rate as an integer (2, not 2.0), as it was given. */
    private static Number asNumber(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Number) (long) d : (Number) d;
    }
}
