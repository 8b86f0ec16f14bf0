/* hookline:acquire */
-- Takes the destinations $2 for owner $1 where nobody owns them or their owner's lease has run out, each with a new
-- epoch, for $3 ms. Answers the ones taken.
INSERT INTO destination_owners AS o (template, owner, epoch, expires_at)
SELECT t, $1, nextval('owner_epochs'), now() + make_interval(secs => $3::float8 / 1000)
FROM unnest($2::text[]) AS t
WHERE EXISTS (SELECT 1 FROM destinations d WHERE d.template = t)
ON CONFLICT (template) DO UPDATE SET owner = EXCLUDED.owner, epoch = EXCLUDED.epoch, expires_at = EXCLUDED.expires_at
  WHERE o.expires_at < now()
RETURNING o.template, o.epoch
