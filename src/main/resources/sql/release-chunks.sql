/* hookline:release */
-- Gives back chunks an owner leased and will not send now (paused, circuit open, handed over, shut down), by key.
-- $1 import ids, $2 pages, $3 the epoch they were claimed with.
UPDATE chunks c SET lease_epoch = NULL
FROM unnest($1::bigint[], $2::int[]) AS r(import_id, page)
WHERE c.import_id = r.import_id AND c.page = r.page AND c.lease_epoch = $3
