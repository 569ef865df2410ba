-- Up Migration

-- The fire time after `next_fire_at`, computed ahead (croner runs in node) so that a due schedule
-- fires and moves on in one statement at its time (modules/runs/scheduler.ts, the fast path).
-- NULL: not computed yet; the row then takes the slower path (claim, compute, fire), which fills it.
-- Not indexed, so filling it in is a HOT update.
ALTER TABLE tenant_schedules ADD COLUMN following timestamptz;

-- Down Migration

ALTER TABLE tenant_schedules DROP COLUMN following;
