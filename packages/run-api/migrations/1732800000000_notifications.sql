-- Up Migration

-- Outbound notifications: an account's URL, signed with Standard Webhooks. Events are written to an
-- outbox (notification_deliveries) in the same transaction as the change that causes them, and a
-- deliverer POSTs them with retries; every attempt is kept.

-- Where an account wants its notifications, and which ones. At most one URL per account.
CREATE TABLE notification_endpoints (
  account_id     uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  url            text NOT NULL CHECK (url ~ '^https?://'),
  events         text[] NOT NULL CHECK (
                   cardinality(events) > 0
                   AND events <@ '{tenant.installed,tenant.uninstalled,tenant.paused,tenant.resumed,run.finished,run.failed}'::text[]),
  -- The Standard Webhooks secret (whsec_...), sealed with the secret box; shown once when made.
  secret_sealed  bytea NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The outbox: one row per event to deliver. The row is the acknowledgement that it will be sent.
CREATE TABLE notification_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  event_type       text NOT NULL,
  -- {"type", "timestamp", "data"}: what is POSTed (ids and statuses only, never configs or secrets).
  payload          jsonb NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  -- The Standard Webhooks `webhook-id`: the same on every attempt, so receivers can de-duplicate.
  message_id       text NOT NULL UNIQUE DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', ''),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  -- Attempts made so far (numbered from 1); `round_start`: the count when the current round of
  -- retries began (0, or the count when a failed delivery was re-queued by hand).
  attempts         integer NOT NULL DEFAULT 0,
  round_start      integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- The deliverer holding it, until when (a crashed deliverer's lease expires; another takes over).
  locked_by        text,
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at     timestamptz,
  last_status      integer,
  last_error       text,
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_by_account ON notification_deliveries (account_id, created_at DESC, id);

-- Every attempt: when, how long, what the receiver answered (or why there was no answer).
CREATE TABLE notification_attempts (
  delivery_id      uuid NOT NULL REFERENCES notification_deliveries (id) ON DELETE CASCADE,
  attempt          integer NOT NULL CHECK (attempt > 0),
  started_at       timestamptz NOT NULL,
  -- NULL while the attempt is in flight.
  duration_ms      integer,
  response_status  integer,
  error            text,
  -- The start of the response body, at most 1 KiB.
  response_body    text CHECK (octet_length(response_body) <= 1024),
  PRIMARY KEY (delivery_id, attempt)
);

-- Down Migration
DROP TABLE notification_attempts;
DROP TABLE notification_deliveries;
DROP TABLE notification_endpoints;
