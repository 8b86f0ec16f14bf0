-- Uploads no longer hold a connection and a transaction from their first byte to their last. Their pages are
-- staged in chunk_bodies by short statements as they fill, under the id their import will get; nothing reads a body
-- without its chunk row, and chunk rows are written with the import row in the one short transaction that accepts
-- the upload (the 202). So staged pages are invisible to the API and to the sender until then.

-- One row per upload that has staged pages and is not yet accepted or given up. The instance streaming it keeps
-- last_activity fresh; an upload nobody touched for ingest.abandonedUploadMs (its instance died, or lost the
-- database for that long) is marked abandoned, and the sweep deletes its staged pages in small batches, then the row.
-- Staging a page requires the row to be live (abandoned_at IS NULL), so an abandoned upload gains no page after the
-- mark; accepting an upload deletes its live row in the accepting transaction, so a sweep and an accept exclude
-- each other on the row lock.
CREATE TABLE uploads (
  id            bigint      PRIMARY KEY,  -- the imports.id the upload gets when it is accepted (imports_id_seq)
  template      text        NOT NULL,
  owner         text        NOT NULL,     -- instance id of the process streaming it
  started_at    timestamptz NOT NULL DEFAULT now(),
  last_activity timestamptz NOT NULL DEFAULT now(),
  abandoned_at  timestamptz
);
CREATE INDEX uploads_abandoned ON uploads (id) WHERE abandoned_at IS NOT NULL;

-- Staged bodies are committed before their import row exists (that is the point: no transaction stays open while
-- a client sends), so the deferred foreign key to imports, checked at each staging commit, would refuse them.
-- Bodies are still only ever reached through their chunk row, whose foreign key to imports stays.
ALTER TABLE chunk_bodies DROP CONSTRAINT chunk_bodies_import_id_fkey;
