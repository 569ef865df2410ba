-- Up Migration

-- Replay (POST .../runs/:id/replay): a trigger copied from a failed run's trigger records that run.
-- The original run may be pruned by retention before its replay: then the link goes, the trigger stays.
ALTER TABLE triggers ADD COLUMN replay_of uuid REFERENCES runs (id) ON DELETE SET NULL;
-- Deleting a run looks for triggers that point at it.
CREATE INDEX triggers_replay_of ON triggers (replay_of) WHERE replay_of IS NOT NULL;

-- Down Migration

DROP INDEX triggers_replay_of;
ALTER TABLE triggers DROP COLUMN replay_of;
