/* hookline:renew */
-- Extends owner $1's leases on the destinations $2 taken with the epochs $3, for $4 ms. Answers those still held;
-- a destination missing from the answer was lost (its lease ran out and another instance took it, or it was deleted).
UPDATE destination_owners o SET expires_at = now() + make_interval(secs => $4::float8 / 1000)
FROM unnest($2::text[], $3::bigint[]) AS h(template, epoch)
WHERE o.template = h.template AND o.epoch = h.epoch AND o.owner = $1
RETURNING o.template
