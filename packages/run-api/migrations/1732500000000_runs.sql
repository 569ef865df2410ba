-- Up Migration

-- The run engine: triggers (the truth: a trigger is acknowledged once its row is committed), runs
-- (at most one active per tenant, enforced by a partial unique index), and their log lines.

ALTER TABLE tenants
  -- The tenant's webhook URL is /webhooks/<webhook_token>: unguessable, unique, revocable.
  ADD COLUMN webhook_token text UNIQUE,
  -- Standard Webhooks secret (sealed with the secret box); NULL: signatures are not checked.
  ADD COLUMN webhook_secret_sealed bytea,
  -- The cron schedule's last fire time handled (so that a restart neither skips nor repeats one).
  ADD COLUMN cron_fired_at timestamptz,
  ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  -- The last JSON the last successful run printed: the next run's PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT.
  ADD COLUMN last_successful_stdout text;

UPDATE tenants SET webhook_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') WHERE webhook_token IS NULL;
ALTER TABLE tenants
  ALTER COLUMN webhook_token SET DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  ALTER COLUMN webhook_token SET NOT NULL;

CREATE TABLE runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  release_id       uuid NOT NULL REFERENCES releases (id),
  -- 'cron' runs carry only cron triggers; 'other' runs carry manual, api and webhook ones.
  queue            text NOT NULL CHECK (queue IN ('cron', 'other')),
  mode             text NOT NULL CHECK (mode IN ('init', 'normal', 'webhook')),
  status           text NOT NULL DEFAULT 'Running' CHECK (status IN (
                     'Running', 'Succeeded', 'Failed (Integration Issue)', 'Failed (Timeout)',
                     'Failed (Platform Issue)', 'Failed (Refresh)', 'Failed (Metadata Validation)', 'Lost')),
  -- The triggers as the run saw them (id, source, mode, created_date, event): history survives a
  -- lost run whose triggers went back to the queue.
  triggers         jsonb NOT NULL,
  worker_id        text NOT NULL,
  lease_expires_at timestamptz NOT NULL,
  started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at         timestamptz,
  exit_code        integer,
  stdout_json      text,
  output_note      text,
  log_lines        integer NOT NULL DEFAULT 0,
  log_truncated    boolean NOT NULL DEFAULT false,
  CHECK ((status = 'Running') = (ended_at IS NULL))
);
-- At most one active run per tenant: the database says so, not a lock in memory.
CREATE UNIQUE INDEX runs_one_active_per_tenant ON runs (tenant_id) WHERE status = 'Running';
CREATE INDEX runs_by_tenant ON runs (tenant_id, started_at DESC, id DESC);
CREATE INDEX runs_lease ON runs (lease_expires_at) WHERE status = 'Running';

CREATE TABLE triggers (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  source         text NOT NULL CHECK (source IN ('manual', 'api', 'webhook', 'cron')),
  mode           text NOT NULL CHECK (mode IN ('init', 'normal', 'webhook')),
  queue          text NOT NULL GENERATED ALWAYS AS (CASE WHEN source = 'cron' THEN 'cron' ELSE 'other' END) STORED,
  event          text,
  -- The body as received and the request's headers; NULL for manual and cron.
  payload        bytea,
  payload_headers jsonb,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- NULL while waiting; the run that took it (a lost run gives it back: NULL again).
  run_id         uuid REFERENCES runs (id) ON DELETE SET NULL,
  CHECK ((source IN ('manual', 'cron')) <= (payload IS NULL))
);
CREATE INDEX triggers_pending ON triggers (tenant_id, queue, created_at) WHERE run_id IS NULL;
CREATE INDEX triggers_by_run ON triggers (run_id);

CREATE TABLE run_log_lines (
  run_id  uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq     integer NOT NULL,
  at      timestamptz NOT NULL,
  line    text NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- Standard Webhooks replay protection: a webhook-id is accepted once per tenant.
CREATE TABLE webhook_receipts (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  webhook_id   text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, webhook_id)
);

-- Down Migration
DROP TABLE webhook_receipts;
DROP TABLE run_log_lines;
DROP TABLE triggers;
DROP TABLE runs;
ALTER TABLE tenants
  DROP COLUMN last_successful_stdout,
  DROP COLUMN metadata,
  DROP COLUMN cron_fired_at,
  DROP COLUMN webhook_secret_sealed,
  DROP COLUMN webhook_token;
