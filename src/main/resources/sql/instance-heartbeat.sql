/* hookline:heartbeat */
-- Instance $1 is alive for another $2 ms; instances silent for a day are forgotten.
WITH beat AS (
  INSERT INTO instances AS i (id, heartbeat_at, expires_at)
  VALUES ($1, now(), now() + make_interval(secs => $2::float8 / 1000))
  ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
  RETURNING i.id)
DELETE FROM instances WHERE expires_at < now() - interval '1 day' AND id NOT IN (SELECT id FROM beat)
