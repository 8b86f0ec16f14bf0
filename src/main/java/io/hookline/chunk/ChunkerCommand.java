package io.hookline.chunk;

import io.hookline.store.ImportRepository;
import io.hookline.store.StoredImport;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** What ingest asks of the chunker for one upload, in order: pages, then commit (or abort). */
public sealed interface ChunkerCommand {

    ImportDraft draft();

    /** Page bodies (JSON arrays of records) to stage, numbered after those already staged. */
    record WritePages(ImportDraft draft, List<Buffer> pages) implements ChunkerCommand {}

    /**
     * The upload is complete: in one transaction, write its last pages, the import row and the chunk rows, and
     * commit. Replies with a {@link Committed}.
     */
    record Commit(ImportDraft draft, ImportRepository.NewImport meta, List<Buffer> lastPages)
            implements ChunkerCommand {}

    /** The upload failed or its client went away: its staged pages are given to the sweep. */
    record Abort(ImportDraft draft) implements ChunkerCommand {}

    /** Reply to {@link Commit}: the stored import, or null when the upload id or idempotency key was taken. */
    record Committed(StoredImport stored) {}
}
