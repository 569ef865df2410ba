-- Up Migration

-- How many runs a trigger went into that could not start (their triggers are given back), and when
-- it stopped being retried: a dead-lettered trigger keeps the run_id of its last failed start.
ALTER TABLE triggers
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN dead_lettered_at timestamptz;

-- Down Migration

ALTER TABLE triggers DROP COLUMN dead_lettered_at, DROP COLUMN attempts;
