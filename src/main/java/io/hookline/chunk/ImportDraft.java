package io.hookline.chunk;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;

/**
 * An upload being written: its open transaction and the pages written so far. Created by ingest, touched only on
 * the chunker's event loop; commands for one draft run one after another through {@link #tail}.
 */
public final class ImportDraft {

  final String template;
  SqlConnection connection;
  Transaction transaction;
  Long importId;
  int pagesWritten;
  boolean closed;
  Future<?> tail = Future.succeededFuture();

  public ImportDraft(String template) {
    this.template = template;
  }

  public String template() {
    return template;
  }
}
