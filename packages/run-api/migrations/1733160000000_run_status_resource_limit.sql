-- Up Migration

-- A sandboxed run that hits one of its resource limits (CPU time, file size, memory, processes,
-- open files) ends as 'Failed (Resource Limit)'.
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (
  'Running', 'Succeeded', 'Failed (Integration Issue)', 'Failed (Timeout)', 'Failed (Resource Limit)',
  'Failed (Platform Issue)', 'Failed (Refresh)', 'Failed (Metadata Validation)', 'Lost'));

-- Down Migration

UPDATE runs SET status = 'Failed (Integration Issue)' WHERE status = 'Failed (Resource Limit)';
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN (
  'Running', 'Succeeded', 'Failed (Integration Issue)', 'Failed (Timeout)',
  'Failed (Platform Issue)', 'Failed (Refresh)', 'Failed (Metadata Validation)', 'Lost'));
