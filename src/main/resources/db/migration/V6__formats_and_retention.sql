-- Custom formats and the notice address of a destination, and the formats an import was accepted with.
-- Formats are kept as the text of a JSON object, not as jsonb: jsonb would reorder its keys, and the keys of a format
-- go out in the order they were given.
ALTER TABLE destinations
  ADD COLUMN record_format text,
  ADD COLUMN chunk_format  text,
  ADD COLUMN notify_url    text;

-- Fixed when an import is accepted, so every attempt of a chunk sends the same bytes whatever happens to the
-- destination meanwhile. record_format was applied to the stored pages already; it is kept to say how they were made.
ALTER TABLE imports
  ADD COLUMN record_format text,
  ADD COLUMN chunk_format  text;

-- The retention sweep finds finished imports by the time they finished, oldest first.
CREATE INDEX imports_finished ON imports (completed_at, id)
  WHERE status IN ('COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED');

-- EXPIRED: a finished import past its retention, being deleted by the sweep (its rows go in small batches). The API
-- no longer shows it, and a redeliver cannot bring it back.
ALTER TABLE imports DROP CONSTRAINT imports_status_check;
ALTER TABLE imports ADD CONSTRAINT imports_status_check
  CHECK (status IN ('QUEUED', 'SENDING', 'COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED', 'EXPIRED'));
