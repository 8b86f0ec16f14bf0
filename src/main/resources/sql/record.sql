/* hookline:record */
-- Writes a batch of attempt outcomes in one statement: the chunk rows, an attempt row for each, and the import
-- counters. An outcome is written only while its writer still owns the chunk's destination with the epoch it claimed
-- the chunk under (a fencing token), and only if the chunk is still unfinished: a stale owner's late outcome changes
-- nothing once another instance has taken the destination over. The owner's row is locked for the statement
-- (FOR SHARE), so the destination cannot change hands while the outcomes are written. Counters move only for rows
-- written, so every outcome is counted once. An import that ends here gets its import.* notice in the same statement,
-- when its destination has a notifyUrl: exactly one per ending, as durable as the ending itself.
WITH o AS (
  SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[], $7::int[],
                       $8::int[], $9::text[], $10::text[], $11::timestamptz[], $12::bool[])
    AS o(import_id, page, template, epoch, status, started_at, duration_ms, status_code, error, excerpt, next_at,
         free)),
owned AS (
  SELECT d.template, d.epoch FROM destination_owners d
  WHERE (d.template, d.epoch) IN (SELECT DISTINCT template, epoch FROM o)
  FOR SHARE),
upd AS (
  -- a free attempt (a failed circuit probe) is logged but moves the start of the retry budget along with it
  UPDATE chunks c SET status = o.status, attempts = c.attempts + 1, last_status_code = o.status_code,
    budget_start = c.budget_start + CASE WHEN o.free THEN 1 ELSE 0 END,
    last_error = o.error, next_attempt_at = COALESCE(o.next_at, c.next_attempt_at),
    delivered_at = CASE WHEN o.status = 'DELIVERED' THEN now() END
  FROM o JOIN owned ON owned.template = o.template AND owned.epoch = o.epoch
  WHERE c.import_id = o.import_id AND c.page = o.page AND c.status IN ('PENDING', 'RETRYING')
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
  FROM per_import p WHERE i.id = p.import_id
  RETURNING i.id, i.upload_id, i.template, i.status, i.total_records, i.total_pages, i.chunks_delivered,
    i.chunks_undelivered),
ended AS (
  INSERT INTO notices (template, import_id, webhook_key, type, body)
  SELECT imp.template, imp.id, replace(gen_random_uuid()::text, '-', ''), 'import.' || lower(imp.status),
    convert_to(json_build_object('type', 'import.' || lower(imp.status), 'uploadId', imp.upload_id,
      'template', imp.template, 'status', imp.status, 'totalRecords', imp.total_records,
      'totalPages', imp.total_pages, 'delivered', imp.chunks_delivered, 'undelivered', imp.chunks_undelivered,
      'at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text, 'UTF8')
  FROM imp JOIN destinations d ON d.template = imp.template
  WHERE imp.status IN ('COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED') AND d.notify_url IS NOT NULL
  RETURNING template)
SELECT (SELECT count(*)::int FROM upd) AS applied,
  (SELECT coalesce(array_agg(DISTINCT template), '{}') FROM ended) AS noticed
