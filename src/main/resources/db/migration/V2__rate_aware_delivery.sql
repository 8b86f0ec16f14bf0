-- Rate-aware delivery: cross-instance rate limits, the circuit breaker, and the indexes of the fair claim.

-- One sender at a time per rate-limited destination: its in-memory token bucket then holds across instances.
-- Claimed or renewed by the claim statement itself; a lease that is not renewed simply expires.
CREATE TABLE destination_leases (
  template   text        PRIMARY KEY REFERENCES destinations (template) ON DELETE CASCADE,
  owner      text        NOT NULL,
  expires_at timestamptz NOT NULL
);

-- The circuit lives in the database so that every instance (and the API) agrees on it.
-- circuit_open_since: the destination failed every request for delivery.circuitWindowMs; NULL when closed.
-- circuit_probe_at: when the next single probe chunk may be claimed while open.
-- circuit_probe_ms: the probe interval of the instance that opened it, so every instance probes at one pace.
ALTER TABLE destinations
  ADD COLUMN circuit_open_since timestamptz,
  ADD COLUMN circuit_probe_at   timestamptz,
  ADD COLUMN circuit_probe_ms   bigint;

-- The claim walks the oldest unfinished imports of a destination and takes the lowest open pages of each.
CREATE INDEX imports_open_by_template ON imports (template, id) WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX chunks_open_by_import ON chunks (import_id, page) WHERE status IN ('PENDING', 'RETRYING');
