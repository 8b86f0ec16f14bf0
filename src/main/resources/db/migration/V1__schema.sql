-- Hookline schema. Every hot table carries the template code so that the tables can later be distributed by it
-- (Citus) without a rewrite; the hot queries name it.

CREATE TABLE destinations (
  template              text PRIMARY KEY,
  callback_url          text        NOT NULL,
  auth_header_name      text,
  chunk_size            integer     NOT NULL,
  retry_count           integer     NOT NULL,
  retry_interval_ms     bigint      NOT NULL,
  timeout_ms            integer     NOT NULL,
  rate_limit            double precision,
  max_concurrency       integer,
  ordered               boolean     NOT NULL,
  retry_backoff         text        NOT NULL,
  max_retry_interval_ms bigint      NOT NULL,
  no_retry_statuses     integer[]   NOT NULL,
  signing_secret        bytea,       -- encrypted (AES-GCM)
  previous_signing_secret bytea,     -- encrypted; still signed with until previous_secret_until
  previous_secret_until timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE imports (
  id                 bigserial PRIMARY KEY,
  upload_id          text        NOT NULL UNIQUE,
  idempotency_key    text        UNIQUE,
  template           text        NOT NULL,
  webhook_key        text        NOT NULL,   -- random; webhook-id = msg_<webhook_key>_<page>
  chunk_size         integer     NOT NULL,
  total_records      bigint      NOT NULL,
  total_pages        integer     NOT NULL,
  extra              bytea,                  -- the JSON value of "extra" as it is sent; NULL when absent
  auth_value         bytea,                  -- encrypted authHeaderValue
  body_sha256        bytea       NOT NULL,   -- of the request body, for idempotent re-posts
  status             text        NOT NULL,
  chunks_delivered   integer     NOT NULL DEFAULT 0,
  chunks_undelivered integer     NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz,
  CONSTRAINT imports_status_check CHECK (status IN ('QUEUED', 'SENDING', 'COMPLETED', 'PARTIALLY_DELIVERED', 'FAILED'))
);
CREATE INDEX imports_by_template ON imports (template, id DESC);
CREATE INDEX imports_by_status ON imports (status, id DESC);

-- Page bodies live apart from the narrow, hot chunk rows. data is the JSON array of the page's records.
CREATE TABLE chunk_bodies (
  import_id bigint  NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
  page      integer NOT NULL,
  template  text    NOT NULL,
  data      bytea   NOT NULL,
  PRIMARY KEY (import_id, page)
);

CREATE TABLE chunks (
  import_id        bigint      NOT NULL REFERENCES imports (id) DEFERRABLE INITIALLY DEFERRED,
  page             integer     NOT NULL,
  template         text        NOT NULL,
  records          integer     NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING',
  attempts         integer     NOT NULL DEFAULT 0,
  budget_start     integer     NOT NULL DEFAULT 0, -- attempts already made when the retry budget was last renewed
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  lease_owner      text,
  lease_expires_at timestamptz,
  lease_token      bigint,
  PRIMARY KEY (import_id, page),
  CONSTRAINT chunks_status_check CHECK (status IN ('PENDING', 'RETRYING', 'DELIVERED', 'UNDELIVERED'))
);
-- The claim query's index: only unfinished chunks, per destination, oldest due first.
CREATE INDEX chunks_due ON chunks (template, next_attempt_at, import_id, page)
  WHERE status IN ('PENDING', 'RETRYING');

CREATE SEQUENCE lease_tokens;

CREATE TABLE attempts (
  id               bigserial PRIMARY KEY,
  import_id        bigint      NOT NULL REFERENCES imports (id),
  page             integer     NOT NULL,
  template         text        NOT NULL,
  attempt          integer     NOT NULL,
  started_at       timestamptz NOT NULL,
  duration_ms      integer     NOT NULL,
  status_code      integer,
  error            text,
  response_excerpt text
);
CREATE INDEX attempts_by_import ON attempts (import_id, id);
