-- Delivery at wire speed, and limits that hold across instances.
--
-- Every destination with work is sent to by one instance at a time, its owner: the rate limit, the concurrency cap,
-- the slow-down after a 429 and the circuit then have a single keeper, however many instances share the database.
-- Ownership is a lease in destination_owners, renewed by its owner and taken over by another instance once it
-- expires (the owner died) or is deleted (the owner shut down or handed the destination over).
--
-- The lease of a chunk is the lease of its destination: the owner claims chunks by reading them (nothing is written
-- per chunk to lease it) and remembers what it holds; a new owner starts from what the database says. Each taking
-- of a destination gets a new epoch, and outcomes are written only while their writer still owns the destination
-- with the epoch the chunk was claimed under (a fencing token), so a stale owner's late outcome changes nothing.

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
ALTER TABLE chunks DROP COLUMN lease_token;
DROP SEQUENCE lease_tokens;

-- Attempt rows are written in batches with their chunk's outcome, under the chunk's lease; the foreign key check on
-- each row cost more than the insert itself. The import they belong to is deleted with its attempts explicitly.
ALTER TABLE attempts DROP CONSTRAINT attempts_import_id_fkey;
-- The API pages attempts by (import_id, id): that index is the only one needed.
ALTER TABLE attempts DROP CONSTRAINT attempts_pkey;

-- Only the owner probes an open circuit now, at its own interval; circuit_probe_at alone carries the pace over to
-- the next owner.
ALTER TABLE destinations DROP COLUMN circuit_probe_ms;

-- Page bodies are read back for every attempt: compressed with lz4 (cheap to decompress, and JSON shrinks several
-- times) they cost fewer pages to read and to log. Where the server was built without lz4 they stay as they were.
DO $$
BEGIN
  ALTER TABLE chunk_bodies ALTER COLUMN data SET COMPRESSION lz4;
  ALTER TABLE chunk_bodies ALTER COLUMN data SET STORAGE EXTENDED;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this PostgreSQL has no lz4 compression: page bodies stay uncompressed';
END $$;
