package io.hookline.chunk;

import io.hookline.bus.Addresses;
import io.hookline.bus.LocalCodec;
import io.hookline.store.DatabaseErrors;
import io.hookline.store.ImportRepository;
import io.hookline.store.StoredImport;
import io.hookline.store.UploadRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes uploads durable without holding a connection while a client sends. Pages are staged by one short statement
 * per batch as they fill (invisible: they have no chunk rows yet); when the body is complete, one short transaction
 * writes the last pages, the import row and the chunk rows, and its commit is what a 202 stands for. After the
 * commit it tells the sender there is work for the template.
 *
 * <p>An upload that ends otherwise (refused, client gone, too slow) is marked abandoned at once; one whose instance
 * died stops being kept alive by this instance's heartbeat. Either way the sweep, run here on a timer, deletes its
 * staged pages in small batches.
 */
public final class ChunkerVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkerVerticle.class);

    private final Pool ingestPool;
    private final UploadRepository uploads;
    private final String instanceId;
    private final long abandonedUploadMs;
    /** Drafts with staged pages, kept alive in the database by {@link #housekeeping()}. */
    private final Set<ImportDraft> staged = new LinkedHashSet<>();

    private long timer = -1;
    private boolean sweeping;
    private boolean sweepAgain;

    public ChunkerVerticle(Pool ingestPool, String instanceId, long abandonedUploadMs) {
        this.ingestPool = ingestPool;
        this.uploads = new UploadRepository(ingestPool);
        this.instanceId = instanceId;
        this.abandonedUploadMs = abandonedUploadMs;
    }

    @Override
    public Future<?> start() {
        // Four heartbeats per abandon period: a live upload is never mistaken for a dead one over one slow write.
        timer = vertx.setPeriodic(Math.max(100, abandonedUploadMs / 4), id -> housekeeping());
        return vertx.eventBus()
                .<ChunkerCommand>localConsumer(Addresses.CHUNKER, this::handle)
                .completion();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }

    private void handle(Message<ChunkerCommand> message) {
        ChunkerCommand command = message.body();
        ImportDraft draft = command.draft();
        // Commands of one draft run in order, each after the previous one's I/O is done.
        Future<Object> result = draft.tail.transform(ignored -> run(draft, command));
        draft.tail = result;
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(ar.result(), LocalCodec.LOCAL);
            } else {
                Throwable cause = ar.cause();
                boolean retryable = cause instanceof UploadLost || DatabaseErrors.isUnavailable(cause);
                message.fail(retryable ? 503 : 500, cause.getMessage() == null ? cause.toString() : cause.getMessage());
            }
        });
    }

    private Future<Object> run(ImportDraft draft, ChunkerCommand command) {
        if (draft.closed) {
            return command instanceof ChunkerCommand.Abort
                    ? Future.succeededFuture(Boolean.TRUE)
                    : Future.failedFuture("upload already ended");
        }
        if (command instanceof ChunkerCommand.WritePages w) {
            return stage(draft, w.pages()).map(Boolean.TRUE);
        }
        if (command instanceof ChunkerCommand.Commit c) {
            return commit(draft, c).map(stored -> {
                if (stored != null && c.meta().totalPages() > 0) {
                    vertx.eventBus().publish(Addresses.WORK, draft.template, LocalCodec.LOCAL);
                }
                return new ChunkerCommand.Committed(stored);
            });
        }
        close(draft);
        return Future.succeededFuture(Boolean.TRUE);
    }

    private Future<Void> stage(ImportDraft draft, List<Buffer> pages) {
        Future<Void> staging;
        if (draft.importId == null) {
            staging = uploads.stageFirst(draft.template, instanceId, pages).map(id -> {
                draft.importId = id;
                staged.add(draft);
                return null;
            });
        } else {
            staging = uploads.stageMore(draft.importId, draft.template, draft.pagesStaged + 1, pages)
                    .compose(live -> live ? Future.succeededFuture() : Future.failedFuture(new UploadLost()));
        }
        return staging.onSuccess(v -> draft.pagesStaged += pages.size()).onFailure(err -> close(draft));
    }

    /** The accepting transaction; the stored import, or null when the upload id or idempotency key is taken. */
    private Future<StoredImport> commit(ImportDraft draft, ChunkerCommand.Commit c) {
        Long stagedId = draft.importId;
        draft.closed = true;
        staged.remove(draft);
        return ingestPool
                .withTransaction(conn -> accept(conn, draft, stagedId, c))
                .recover(err -> {
                    if (stagedId != null) {
                        abandon(stagedId);
                    }
                    return err instanceof IdTaken ? Future.succeededFuture(null) : Future.failedFuture(err);
                });
    }

    private static Future<StoredImport> accept(
            SqlConnection conn, ImportDraft draft, Long stagedId, ChunkerCommand.Commit c) {
        Future<Long> id = stagedId == null
                ? ImportRepository.nextImportId(conn)
                : UploadRepository.finish(conn, stagedId)
                        .compose(live ->
                                live ? Future.succeededFuture(stagedId) : Future.failedFuture(new UploadLost()));
        return id.compose(importId -> ImportRepository.insertImport(conn, importId, c.meta())
                .compose(stored -> {
                    if (stored == null) {
                        return Future.failedFuture(new IdTaken()); // rolls the transaction back
                    }
                    if (c.lastPages().isEmpty()) {
                        return Future.succeededFuture(stored);
                    }
                    return ImportRepository.insertBodies(
                                    conn, importId, draft.template, draft.pagesStaged + 1, c.lastPages())
                            .map(stored);
                }));
    }

    private void close(ImportDraft draft) {
        draft.closed = true;
        staged.remove(draft);
        if (draft.importId != null) {
            abandon(draft.importId);
        }
    }

    /** Leaves the upload's staged pages to the sweep, and sweeps now; if this fails, the missing heartbeat will do. */
    private void abandon(long id) {
        uploads.abandon(id).onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug(
                        "could not mark upload {} abandoned: {}", id, ar.cause().toString());
            }
            sweep();
        });
    }

    private void housekeeping() {
        List<Long> ids = new ArrayList<>(staged.size());
        staged.forEach(d -> ids.add(d.importId));
        Future<Void> heartbeat = ids.isEmpty() ? Future.succeededFuture() : uploads.heartbeat(ids);
        heartbeat.onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("upload heartbeat failed: {}", ar.cause().toString());
            }
            sweep();
        });
    }

    private void sweep() {
        if (sweeping) {
            sweepAgain = true;
            return;
        }
        sweeping = true;
        uploads.sweep(abandonedUploadMs).onComplete(ar -> {
            sweeping = false;
            if (ar.failed()) {
                LOG.warn("sweep of abandoned uploads failed: {}", ar.cause().toString());
            } else if (ar.result() > 0) {
                LOG.info("deleted {} staged pages of abandoned uploads", ar.result());
            }
            if (sweepAgain) {
                sweepAgain = false;
                sweep();
            }
        });
    }

    /** The upload was taken for abandoned (its heartbeat failed for too long) and its pages deleted: post it again. */
    private static final class UploadLost extends RuntimeException {
        UploadLost() {
            super("the upload's staged pages were given up; post it again", null, false, false);
        }
    }

    /** The upload id or idempotency key belongs to a stored import; the caller compares bodies. */
    private static final class IdTaken extends RuntimeException {
        IdTaken() {
            super("upload id taken", null, false, false);
        }
    }
}
