-- Up Migration

-- Retention (modules/runs/retention.ts): an account may keep its history for other periods than the
-- PAN_RETENTION_* defaults; NULL: the default.
ALTER TABLE accounts
  ADD COLUMN retention_runs_days integer CHECK (retention_runs_days >= 0),
  ADD COLUMN retention_payloads_days integer CHECK (retention_payloads_days >= 0),
  ADD COLUMN retention_deliveries_days integer CHECK (retention_deliveries_days >= 0);

-- What the pruner looks for, oldest first, without scanning what it keeps.
CREATE INDEX runs_ended ON runs (account_id, ended_at) WHERE status <> 'Running';
-- Triggers taken by a run whose payload is still kept (a cleared one leaves the index).
CREATE INDEX triggers_payload_kept ON triggers (account_id, created_at)
  WHERE run_id IS NOT NULL AND (payload IS NOT NULL OR payload_headers IS NOT NULL);
CREATE INDEX webhook_receipts_received ON webhook_receipts (received_at);

-- Down Migration

DROP INDEX webhook_receipts_received;
DROP INDEX triggers_payload_kept;
DROP INDEX runs_ended;
ALTER TABLE accounts
  DROP COLUMN retention_deliveries_days,
  DROP COLUMN retention_payloads_days,
  DROP COLUMN retention_runs_days;
