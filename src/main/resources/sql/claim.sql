/* hookline:claim */
-- Leases the next chunks of one destination to its owner and returns them with their body and their import's
-- fields, in one round trip. Parameters: $1 template, $2 owner, $3 the owner's epoch, $4 most chunks, $5 most body
-- bytes (one chunk is always taken, however large), $6 the import the previous claim served last, $7 ordered.
--
-- Every row carries the destination's settings version, so the owner notices a change it was not told about, and
-- the time the next chunk that is not due yet will be (a retry): when to claim again if nothing else happens.
-- No row at all: the caller no longer owns the destination (its lease passed to another instance).
--
-- Fairness: the lowest due pages of each of the 64 oldest unfinished imports, taken in turns (first page of every
-- import, then the second, ...), the turn going on after the import served last. Ordered: only the lowest unfinished
-- page of an import may be claimed. Every chunk is reached by its key: imports by (template, status), then chunks by
-- (import_id, page), so the plan stays a walk of index ranges however large the tables grow.
WITH own AS (
  SELECT d.version,
    (SELECT min(n.next_attempt_at) FROM chunks n
     WHERE n.template = $1 AND n.status IN ('PENDING', 'RETRYING') AND n.next_attempt_at > now()) AS next_due
  FROM destination_owners o JOIN destinations d ON d.template = o.template
  WHERE o.template = $1 AND o.owner = $2 AND o.epoch = $3 AND o.expires_at > now()),
open_imports AS (
  SELECT i.id FROM imports i
  WHERE i.template = $1 AND i.status IN ('QUEUED', 'SENDING') AND EXISTS (SELECT 1 FROM own)
  ORDER BY i.id
  LIMIT 64),
candidates AS (
  SELECT p.import_id, p.page, p.rn FROM open_imports oi CROSS JOIN LATERAL (
    SELECT c.import_id, c.page, row_number() OVER (ORDER BY c.page) AS rn
    FROM chunks c
    WHERE c.import_id = oi.id AND c.status IN ('PENDING', 'RETRYING') AND c.next_attempt_at <= now()
      AND c.lease_epoch IS DISTINCT FROM $3
      AND NOT ($7::bool AND EXISTS (
        SELECT 1 FROM chunks e WHERE e.import_id = c.import_id AND e.page < c.page
          AND e.status IN ('PENDING', 'RETRYING')))
    ORDER BY c.page
    LIMIT $4::int) p
  ORDER BY p.rn, p.import_id <= $6::bigint, p.import_id
  LIMIT $4::int),
sized AS (
  -- octet_length reads the stored length of a body, not the body
  SELECT cd.import_id, cd.page,
    row_number() OVER w AS n, sum(octet_length(b.data)) OVER w AS running
  FROM candidates cd JOIN chunk_bodies b ON b.import_id = cd.import_id AND b.page = cd.page
  WINDOW w AS (ORDER BY cd.rn, cd.import_id <= $6::bigint, cd.import_id ROWS UNBOUNDED PRECEDING)),
claimed AS (
  UPDATE chunks c SET lease_epoch = $3::bigint
  FROM sized s
  WHERE (s.n = 1 OR s.running <= $5::bigint) AND c.import_id = s.import_id AND c.page = s.page
    AND c.status IN ('PENDING', 'RETRYING') AND c.lease_epoch IS DISTINCT FROM $3
  RETURNING c.import_id, c.page, c.records, c.attempts, c.budget_start)
SELECT own.version, own.next_due, cl.import_id, cl.page, cl.records, cl.attempts, cl.budget_start, i.upload_id, i.webhook_key,
  i.total_records, i.total_pages, i.extra, i.auth_value, b.data
FROM own LEFT JOIN (claimed cl
  JOIN imports i ON i.id = cl.import_id
  JOIN chunk_bodies b ON b.import_id = cl.import_id AND b.page = cl.page) ON true
