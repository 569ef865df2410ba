-- Up Migration

-- A run that a stopping server stopped at the end of its grace period ends as 'Handed Back': its
-- triggers went back to the queue at once and run again (unlike 'Lost', whose worker vanished).
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (
  'Running', 'Succeeded', 'Failed (Integration Issue)', 'Failed (Timeout)', 'Failed (Resource Limit)',
  'Failed (Platform Issue)', 'Failed (Refresh)', 'Failed (Metadata Validation)', 'Lost', 'Handed Back'));

-- Down Migration

UPDATE runs SET status = 'Lost' WHERE status = 'Handed Back';
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (
  'Running', 'Succeeded', 'Failed (Integration Issue)', 'Failed (Timeout)', 'Failed (Resource Limit)',
  'Failed (Platform Issue)', 'Failed (Refresh)', 'Failed (Metadata Validation)', 'Lost'));
