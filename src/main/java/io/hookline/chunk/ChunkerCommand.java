package io.hookline.chunk;

import io.hookline.store.ImportRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What ingest asks of the chunker for one upload, in order: pages, then commit (or abort). */
public sealed interface ChunkerCommand {

  ImportDraft draft();

  /** Page bodies (JSON arrays of records) to add to the upload's transaction, numbered after those already sent. */
  record WritePages(ImportDraft draft, List<Buffer> pages) implements ChunkerCommand {}

  /** The upload is complete: write the import row and chunk rows and commit. Replies with a {@link Committed}. */
  record Commit(ImportDraft draft, ImportRepository.NewImport meta) implements ChunkerCommand {}

  /** The upload failed or its client went away: roll back. */
  record Abort(ImportDraft draft) implements ChunkerCommand {}

  /** Reply to {@link Commit}: the stored import's view, or null when the upload id or idempotency key was taken. */
  record Committed(JsonObject view) {}
}
