package io.hookline.api;

import io.hookline.http.Problem;
import io.hookline.ingest.ImportView;
import io.hookline.store.ChunkRepository;
import io.hookline.store.ImportRepository;
import io.hookline.store.StoredImport;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/** The read side of imports, and redeliver. {@code POST /v1/imports} is the ingest path's own route. */
public final class ImportRoutes {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Set<String> IMPORT_STATUSES =
            Set.of("QUEUED", "SENDING", "COMPLETED", "PARTIALLY_DELIVERED", "FAILED");
    private static final Set<String> CHUNK_STATUSES = Set.of("PENDING", "RETRYING", "DELIVERED", "UNDELIVERED");

    private final ImportRepository imports;
    private final ChunkRepository chunks;

    public ImportRoutes(ImportRepository imports, ChunkRepository chunks) {
        this.imports = imports;
        this.chunks = chunks;
    }

    public void mount(Router router) {
        router.get("/v1/imports").handler(this::list);
        router.get("/v1/imports/:uploadId").handler(this::get);
        router.get("/v1/imports/:uploadId/chunks").handler(this::chunks);
        router.get("/v1/imports/:uploadId/attempts").handler(this::attempts);
        router.post("/v1/imports/:uploadId/redeliver").handler(this::redeliver);
    }

    private void list(RoutingContext ctx) {
        QueryParams q = new QueryParams(ctx);
        String template = q.pattern("template", ID, "must be 1 to 100 of A-Z a-z 0-9 _ -");
        String status = q.oneOf("status", IMPORT_STATUSES);
        int limit = q.limit();
        Long before = q.cursor("before");
        imports.list(template, status, limit, before)
                .onSuccess(page -> Json.send(ctx, 200, Json.page(page, ImportView::of)))
                .onFailure(ctx::fail);
    }

    private void get(RoutingContext ctx) {
        withImport(ctx, found -> Json.send(ctx, 200, ImportView.of(found)));
    }

    private void chunks(RoutingContext ctx) {
        QueryParams q = new QueryParams(ctx);
        String status = q.oneOf("status", CHUNK_STATUSES);
        int limit = q.limit();
        Long after = q.cursor("after");
        withImport(
                ctx,
                found -> chunks.listChunks(
                                found.id(),
                                found.template(),
                                status,
                                limit,
                                after == null ? null : (int) Math.min(after, Integer.MAX_VALUE))
                        .onSuccess(page -> Json.send(
                                ctx,
                                200,
                                Json.page(page, ImportRoutes::chunk).put("destinationState", found.destinationState())))
                        .onFailure(ctx::fail));
    }

    private void attempts(RoutingContext ctx) {
        QueryParams q = new QueryParams(ctx);
        boolean failed = q.bool("failed");
        int limit = q.limit();
        Long after = q.cursor("after");
        withImport(
                ctx,
                found -> chunks.listAttempts(found.id(), found.template(), failed, limit, after)
                        .onSuccess(page -> Json.send(ctx, 200, Json.page(page, ImportRoutes::attempt)))
                        .onFailure(ctx::fail));
    }

    private void redeliver(RoutingContext ctx) {
        // the destination's owner hears of the requeued chunks from the statement's notification
        withImport(
                ctx,
                found -> imports.redeliver(found.id(), found.template())
                        .onSuccess(n -> Json.send(ctx, 202, new JsonObject().put("requeued", n)))
                        .onFailure(ctx::fail));
    }

    private static JsonObject chunk(ChunkRepository.Chunk c) {
        return new JsonObject()
                .put("page", c.page())
                .put("records", c.records())
                .put("status", c.status())
                .put("attempts", c.attempts())
                .put("lastStatusCode", c.lastStatusCode())
                .put("lastError", c.lastError())
                .put("nextAttemptAt", c.open() ? ImportView.iso(c.nextAttemptAt()) : null)
                .put("deliveredAt", ImportView.iso(c.deliveredAt()));
    }

    private static JsonObject attempt(ChunkRepository.Attempt a) {
        return new JsonObject()
                .put("page", a.page())
                .put("attempt", a.attempt())
                .put("startedAt", ImportView.iso(a.startedAt()))
                .put("durationMs", a.durationMs())
                .put("statusCode", a.statusCode())
                .put("error", a.error())
                .put("responseExcerpt", a.responseExcerpt());
    }

    private void withImport(RoutingContext ctx, Handler<StoredImport> then) {
        String uploadId = ctx.pathParam("uploadId");
        if (!ID.matcher(uploadId).matches()) {
            Problem.of(404, "no import with this uploadId").send(ctx);
            return;
        }
        imports.find(uploadId)
                .onSuccess(found -> {
                    if (found == null) {
                        Problem.of(404, "no import with this uploadId").send(ctx);
                    } else {
                        then.handle(found);
                    }
                })
                .onFailure(ctx::fail);
    }
}
