-- Up Migration

-- A trigger given back after a failed start (a run that could not start, or a run lost with its
-- worker) waits until retry_at before its tenant's triggers are claimed again: an exponential
-- backoff with a cap, so that a trigger that kills its server every time is not retried in a loop.
ALTER TABLE triggers ADD COLUMN retry_at timestamptz;

-- Down Migration

ALTER TABLE triggers DROP COLUMN retry_at;
