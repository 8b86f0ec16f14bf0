-- Delivery at wire speed, and limits that hold across instances.
--
-- Every destination with work is sent to by one instance at a time, its owner: the rate limit, the concurrency cap,
-- the slow-down after a 429 and the circuit then have a single keeper, however many instances share the database.
-- Ownership is a lease in destination_owners, renewed by its owner and taken over by another instance once it
-- expires (the owner died) or is deleted (the owner shut down or handed the destination over).
--
-- A chunk is leased by writing its owner's epoch into chunks.lease_epoch. Each taking of a destination gets a new
-- epoch, so the chunks a dead or replaced owner held are free for the next owner at once, without a per-chunk
-- expiry to wait for or renew: the lease of a chunk is the lease of its destination. Outcomes are written only where
-- lease_epoch still holds the epoch the chunk was claimed with (a fencing token), so a stale owner's late outcome
-- changes nothing once the next owner has claimed the chunk again.

-- Live instances announce themselves; ownership is spread over them.
CREATE TABLE instances (
  id           text        PRIMARY KEY,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL
);

DROP TABLE destination_leases;

CREATE SEQUENCE owner_epochs;

CREATE TABLE destination_owners (
  template   text        PRIMARY KEY REFERENCES destinations (template) ON DELETE CASCADE,
  owner      text        NOT NULL,
  epoch      bigint      NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX destination_owners_by_owner ON destination_owners (owner);

ALTER TABLE destinations
  -- bumped by every change made through the API; an owner that sees another version reloads the settings
  ADD COLUMN version       bigint      NOT NULL DEFAULT 1,
  -- paused through the API: no attempt starts until resumed
  ADD COLUMN paused_at     timestamptz,
  -- the pace an owner slowed down to after a 429/503, handed to the next owner; cleared by a PUT
  ADD COLUMN slowdown_rate double precision;

ALTER TABLE chunks DROP COLUMN lease_owner;
ALTER TABLE chunks DROP COLUMN lease_expires_at;
ALTER TABLE chunks RENAME COLUMN lease_token TO lease_epoch;
DROP SEQUENCE lease_tokens;

-- Attempt rows are written in batches with their chunk's outcome, under the chunk's lease; the foreign key check on
-- each row cost more than the insert itself. The import they belong to is deleted with its attempts explicitly.
ALTER TABLE attempts DROP CONSTRAINT attempts_import_id_fkey;
-- The API pages attempts by (import_id, id): that index is the only one needed.
ALTER TABLE attempts DROP CONSTRAINT attempts_pkey;

-- Only the owner probes an open circuit now, at its own interval; circuit_probe_at alone carries the pace over to
-- the next owner.
ALTER TABLE destinations DROP COLUMN circuit_probe_ms;
