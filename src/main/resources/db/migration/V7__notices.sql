-- Notices: one POST to a destination's notifyUrl for each event worth telling its owner about (an import ended, the
-- circuit opened or closed). Written in the same statement as the event itself, so a notice is as durable as the
-- event; sent by the destination's owner like a chunk (its limits, its retry settings, fenced by its epoch), at least
-- once. The body is fixed when the event happens, so every attempt sends the same bytes.
ALTER TABLE destinations ADD COLUMN IF NOT EXISTS notify_url text;

CREATE TABLE notices (
  id               bigserial   PRIMARY KEY,
  template         text        NOT NULL,
  import_id        bigint,                -- the import an import.* notice is about (its auth value is sent)
  webhook_key      text        NOT NULL,  -- webhook-id = ntc_<webhook_key>: the same on every attempt of the notice
  type             text        NOT NULL,
  body             bytea       NOT NULL,
  status           text        NOT NULL DEFAULT 'PENDING',
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  CONSTRAINT notices_status_check CHECK (status IN ('PENDING', 'RETRYING', 'DELIVERED', 'UNDELIVERED'))
);
CREATE INDEX notices_due ON notices (template, next_attempt_at) WHERE status IN ('PENDING', 'RETRYING');
CREATE INDEX notices_by_import ON notices (import_id) WHERE import_id IS NOT NULL;
