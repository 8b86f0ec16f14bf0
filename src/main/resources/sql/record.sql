/* hookline:record */
-- Writes a batch of attempt outcomes in one statement: the chunk rows (only where the chunk is still leased with the
-- epoch it was claimed with: a fencing token), an attempt row for each applied outcome, and the import counters.
-- Counters move only for rows whose lease matched, so every outcome is counted once.
WITH o AS (
  SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::text[], $5::timestamptz[], $6::int[], $7::int[],
                       $8::text[], $9::text[], $10::timestamptz[], $11::bool[])
    AS o(import_id, page, epoch, status, started_at, duration_ms, status_code, error, excerpt, next_at, free)),
upd AS (
  -- a free attempt (a failed circuit probe) is logged but moves the start of the retry budget along with it
  UPDATE chunks c SET status = o.status, attempts = c.attempts + 1, last_status_code = o.status_code,
    budget_start = c.budget_start + CASE WHEN o.free THEN 1 ELSE 0 END,
    last_error = o.error, next_attempt_at = COALESCE(o.next_at, c.next_attempt_at),
    delivered_at = CASE WHEN o.status = 'DELIVERED' THEN now() END,
    lease_epoch = NULL
  FROM o
  WHERE c.import_id = o.import_id AND c.page = o.page AND c.lease_epoch = o.epoch
  RETURNING c.import_id, c.page, c.template, c.attempts, c.status),
att AS (
  INSERT INTO attempts (import_id, page, template, attempt, started_at, duration_ms, status_code, error,
                        response_excerpt)
  SELECT upd.import_id, upd.page, upd.template, upd.attempts, o.started_at, o.duration_ms, o.status_code, o.error,
         o.excerpt
  FROM upd JOIN o ON o.import_id = upd.import_id AND o.page = upd.page),
per_import AS (
  -- in id order, so that two batches in flight lock the import rows they share in the same order
  SELECT import_id, count(*) FILTER (WHERE status = 'DELIVERED') AS delivered,
         count(*) FILTER (WHERE status = 'UNDELIVERED') AS undelivered
  FROM upd GROUP BY import_id ORDER BY import_id),
imp AS (
  UPDATE imports i SET chunks_delivered = i.chunks_delivered + p.delivered,
    chunks_undelivered = i.chunks_undelivered + p.undelivered,
    status = CASE
      WHEN i.chunks_delivered + p.delivered + i.chunks_undelivered + p.undelivered < i.total_pages THEN 'SENDING'
      WHEN i.chunks_undelivered + p.undelivered = 0 THEN 'COMPLETED'
      WHEN i.chunks_delivered + p.delivered = 0 THEN 'FAILED'
      ELSE 'PARTIALLY_DELIVERED' END,
    completed_at = CASE
      WHEN i.chunks_delivered + p.delivered + i.chunks_undelivered + p.undelivered < i.total_pages THEN NULL
      ELSE now() END
  FROM per_import p WHERE i.id = p.import_id)
SELECT count(*)::int AS applied FROM upd
