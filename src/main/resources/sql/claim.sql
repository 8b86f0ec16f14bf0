/* hookline:claim */
-- The next chunks of one destination for its owner, with their body and their import's fields, in one round trip.
-- A read: nothing is written. The owner remembers what it holds, and the destination's lease is the lease of every
-- chunk of it; a new owner (after a crash or a hand-over) starts from what the database says.
--
-- $1 template, $2 owner, $3 the owner's epoch, $4 most chunks, $5 most body bytes (one chunk is always taken, however
-- large), $6 the import the previous claim served last, $7 ordered,
-- $8, $9 cursors: per import, the highest page this owner has claimed so far (only later pages are looked at),
-- $10, $11 held: chunks of imports without a cursor that this owner holds (buffered, in flight, outcome unwritten).
--
-- Every row carries the destination's settings version, so the owner notices a change it was not told about, and
-- the time the next chunk or notice that is not due yet will be (a retry): when to look again if nothing else does.
-- No row at all: the caller no longer owns the destination (its lease passed to another instance).
--
-- Fairness: the lowest due pages of each of the 64 oldest unfinished imports, taken in turns (first page of every
-- import, then the second, ...), the turn going on after the import served last. Each import is asked for its share
-- of the batch only, so the work stays proportional to the batch however many imports are open; "more" says an
-- import had at least its share (or the byte limit cut the batch), so more may be due than this batch took. Ordered: only the lowest unfinished
-- page of an import may be claimed. Every chunk is reached by its key: imports by (template, status), then chunks by
-- (import_id, page), bodies by (import_id, page), so the plan stays a walk of index ranges however large the tables grow.
WITH own AS (
  SELECT d.version,
    least(
      (SELECT min(n.next_attempt_at) FROM chunks n
       WHERE n.template = $1 AND n.status IN ('PENDING', 'RETRYING') AND n.next_attempt_at > now()),
      (SELECT min(t.next_attempt_at) FROM notices t
       WHERE t.template = $1 AND t.status IN ('PENDING', 'RETRYING') AND t.next_attempt_at > now())) AS next_due
  FROM destination_owners o JOIN destinations d ON d.template = o.template
  WHERE o.template = $1 AND o.owner = $2 AND o.epoch = $3 AND o.expires_at > now()),
cursors AS (SELECT * FROM unnest($8::bigint[], $9::int[]) AS u(import_id, after_page)),
held AS (SELECT * FROM unnest($10::bigint[], $11::int[]) AS h(import_id, page)),
open_imports AS (
  SELECT i.id, COALESCE(u.after_page, 0) AS after_page,
    (SELECT count(*) FROM held h WHERE h.import_id = i.id)::int AS skip
  FROM imports i LEFT JOIN cursors u ON u.import_id = i.id
  WHERE i.template = $1 AND i.status IN ('QUEUED', 'SENDING') AND EXISTS (SELECT 1 FROM own)
  ORDER BY i.id
  LIMIT 64),
share AS (SELECT ceil($4::numeric / greatest(count(*), 1))::int AS n FROM open_imports),
scanned AS (
  -- per import, its share of due pages after its cursor, and as many more as it has held ones among them
  SELECT p.*, count(*) OVER (PARTITION BY p.import_id) >= (SELECT n FROM share) + oi.skip AS more
  FROM open_imports oi CROSS JOIN LATERAL (
    SELECT c.import_id, c.page, c.records, c.attempts, c.budget_start
    FROM chunks c
    WHERE c.import_id = oi.id AND c.page > oi.after_page AND c.status IN ('PENDING', 'RETRYING')
      AND c.next_attempt_at <= now()
      AND NOT ($7::bool AND EXISTS (
        SELECT 1 FROM chunks e WHERE e.import_id = c.import_id AND e.page < c.page
          AND e.status IN ('PENDING', 'RETRYING')))
    ORDER BY c.page
    LIMIT (SELECT n FROM share) + oi.skip) p),
candidates AS (
  SELECT s.*, row_number() OVER (PARTITION BY s.import_id ORDER BY s.page) AS rn
  FROM scanned s LEFT JOIN held h ON h.import_id = s.import_id AND h.page = s.page
  WHERE h.import_id IS NULL
  ORDER BY rn, s.import_id <= $6::bigint, s.import_id
  LIMIT $4::int),
sized AS (
  -- octet_length reads the stored length of a body, not the body; a body is read only if it is returned
  SELECT cd.*, b.data, row_number() OVER w AS n, sum(octet_length(b.data)) OVER w AS running
  FROM candidates cd JOIN chunk_bodies b ON b.import_id = cd.import_id AND b.page = cd.page
  WINDOW w AS (ORDER BY cd.rn, cd.import_id <= $6::bigint, cd.import_id ROWS UNBOUNDED PRECEDING))
SELECT own.version, own.next_due,
  (SELECT coalesce(bool_or(more), false) FROM scanned)
    OR EXISTS (SELECT 1 FROM sized WHERE NOT (n = 1 OR running <= $5::bigint)) AS more,
  s.import_id, s.page, s.records, s.attempts, s.budget_start, i.upload_id,
  i.webhook_key, i.total_records, i.total_pages, i.extra, i.auth_value, s.data, i.chunk_format
FROM own LEFT JOIN (sized s JOIN imports i ON i.id = s.import_id) ON s.n = 1 OR s.running <= $5::bigint
ORDER BY s.n
