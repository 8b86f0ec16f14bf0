package io.hookline.chunk;

import io.vertx.core.Future;

/**
 * An upload being written: the id its import will have once it has staged pages, and how many it staged. Created by
 * ingest, touched only on the chunker's event loop; commands for one draft run one after another through
 * {@link #tail}.
 */
public final class ImportDraft {

    final String template;
    /** Set by the first staging statement; null while every page is still in memory. */
    Long importId;

    int pagesStaged;
    boolean closed;
    Future<?> tail = Future.succeededFuture();

    public ImportDraft(String template) {
        this.template = template;
    }
}
