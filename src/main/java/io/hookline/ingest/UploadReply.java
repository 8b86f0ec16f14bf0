package io.hookline.ingest;

import io.hookline.http.Problem;
import io.hookline.store.StoredImport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * The answer to an upload: 202 for an accepted one, 200 with the stored import for an identical re-post, or a
 * problem, after which the rest of the body is dropped (a little of it, to keep the connection) or the connection
 * closed.
 */
final class UploadReply {

    /** After a refusal, the most of the rest of the body that is read (and dropped) to keep the connection. */
    private static final int DRAIN_LIMIT = 1 << 20;

    private final RoutingContext ctx;
    private final HttpServerRequest request;

    UploadReply(RoutingContext ctx) {
        this.ctx = ctx;
        this.request = ctx.request();
    }

    void accepted(StoredImport stored) {
        json(202, stored.uploadId(), ImportView.accepted(stored).toBuffer());
    }

    /** The same body was posted before under this upload id or idempotency key: the import it made. */
    void identical(StoredImport stored) {
        json(200, stored.uploadId(), ImportView.of(stored).toBuffer());
    }

    private void json(int status, String uploadId, Buffer body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Location", "/v1/imports/" + uploadId)
                .putHeader("Content-Type", "application/json")
                .end(body);
    }

    /** {@code bodyEnded}: whether the whole body has been read, so that nothing is left to drop. */
    void refuse(Problem problem, BooleanSupplier bodyEnded) {
        problem.send(ctx).onComplete(v -> {
            // ended: read to the end already (a small body refused before this upload set its handlers, as a 415 is)
            if (bodyEnded.getAsBoolean() || request.isEnded()) {
                return;
            }
            if (problem.status() == 413 || problem.status() == 408) {
                // Reading the rest is what the limit is there to prevent: close the connection (HTTP/1.1) or reset
                // the stream (HTTP/2) right after the answer.
                ctx.response().reset();
                return;
            }
            // Read and drop the rest of a small body so the connection stays usable; give up on a large one.
            long[] dropped = {0};
            request.handler(chunk -> {
                dropped[0] += chunk.length();
                if (dropped[0] > DRAIN_LIMIT) {
                    request.handler(null);
                    ctx.response().reset();
                }
            });
            request.resume();
        });
    }
}
