package io.hookline.chunk;

import io.hookline.api.ErrorHandlers;
import io.hookline.bus.Addresses;
import io.hookline.bus.LocalCodec;
import io.hookline.store.ImportRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

/**
 * Makes uploads durable. Each upload gets its own transaction on the ingest pool; its pages are inserted as they
 * arrive and the import row and chunk rows at the end, so a crash before the commit leaves nothing behind and a
 * commit is what a 202 stands for. After the commit it tells the sender there is work for the template.
 */
public final class ChunkerVerticle extends VerticleBase {

  private final Pool ingestPool;

  public ChunkerVerticle(Pool ingestPool) {
    this.ingestPool = ingestPool;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<ChunkerCommand>localConsumer(Addresses.CHUNKER, this::handle).completion();
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
        message.fail(ErrorHandlers.isDatabaseUnavailable(cause) ? 503 : 500,
            cause.getMessage() == null ? cause.toString() : cause.getMessage());
      }
    });
  }

  private Future<Object> run(ImportDraft draft, ChunkerCommand command) {
    if (draft.closed) {
      return command instanceof ChunkerCommand.Abort
          ? Future.succeededFuture(Boolean.TRUE)
          : Future.failedFuture("upload already ended");
    }
    Future<Object> work;
    if (command instanceof ChunkerCommand.WritePages w) {
      work = open(draft).compose(v -> {
        int first = draft.pagesWritten + 1;
        draft.pagesWritten += w.pages().size();
        return ImportRepository.insertBodies(draft.connection, draft.importId, draft.template, first, w.pages());
      }).map(Boolean.TRUE);
    } else if (command instanceof ChunkerCommand.Commit c) {
      work = open(draft)
          .compose(v -> ImportRepository.insertImport(draft.connection, draft.importId, c.meta()))
          .compose(view -> {
            if (view == null) {
              return end(draft, false).map(new ChunkerCommand.Committed(null));
            }
            return end(draft, true).map(v -> {
              if (c.meta().totalPages() > 0) {
                vertx.eventBus().publish(Addresses.WORK, draft.template, LocalCodec.LOCAL);
              }
              return new ChunkerCommand.Committed(view);
            });
          });
    } else {
      return end(draft, false).map(Boolean.TRUE);
    }
    // Any failure ends the transaction; the caller answers the client.
    return work.recover(err -> end(draft, false).transform(ignored -> Future.failedFuture(err)));
  }

  private Future<Void> open(ImportDraft draft) {
    if (draft.connection != null) {
      return Future.succeededFuture();
    }
    return ingestPool.getConnection().compose(conn -> {
      draft.connection = conn;
      return conn.begin();
    }).compose(tx -> {
      draft.transaction = tx;
      return ImportRepository.nextImportId(draft.connection);
    }).map(id -> {
      draft.importId = id;
      return null;
    });
  }

  /** Commits or rolls back, and always gives the connection back. */
  private Future<Void> end(ImportDraft draft, boolean commit) {
    draft.closed = true;
    SqlConnection conn = draft.connection;
    Transaction tx = draft.transaction;
    draft.connection = null;
    draft.transaction = null;
    if (conn == null) {
      return Future.succeededFuture();
    }
    Future<Void> done = tx == null ? Future.succeededFuture() : commit ? tx.commit() : tx.rollback();
    return done.eventually(conn::close);
  }
}
