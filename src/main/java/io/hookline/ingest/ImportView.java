package io.hookline.ingest;

import io.hookline.store.StoredImport;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An import as the API shows it: {@code GET /v1/imports/{uploadId}}, the items of {@code GET /v1/imports}, and the
 * answer to an identical re-post. Here rather than in {@code api} because the upload answers with it too.
 */
public final class ImportView {

    private ImportView() {}

    public static JsonObject of(StoredImport i) {
        return new JsonObject()
                .put("uploadId", i.uploadId())
                .put("template", i.template())
                .put("status", i.status())
                .put("totalRecords", i.totalRecords())
                .put("totalPages", i.totalPages())
                .put("createdAt", iso(i.createdAt()))
                .put("completedAt", iso(i.completedAt()))
                .put(
                        "chunks",
                        new JsonObject()
                                .put("pending", i.chunksPending())
                                .put("delivered", i.chunksDelivered())
                                .put("undelivered", i.chunksUndelivered()))
                .put("destinationState", i.destinationState());
    }

    /** The 202 of an accepted upload: what was stored, before any of it is sent. */
    static JsonObject accepted(StoredImport i) {
        return new JsonObject()
                .put("uploadId", i.uploadId())
                .put("template", i.template())
                .put("status", i.status())
                .put("totalRecords", i.totalRecords())
                .put("totalPages", i.totalPages());
    }

    /** An instant as the API writes it (ISO 8601, UTC), null as null. */
    public static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
