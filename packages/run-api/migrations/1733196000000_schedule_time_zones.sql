-- Up Migration

-- Every schedule is read in an IANA time zone (croner follows its DST changes; modules/runs/scheduler.ts),
-- and says what a fire missed while nothing ran becomes: one catch-up run ('once') or none ('skip').
-- Both belong to the tenant's schedule, whether its own or its integration's default.
ALTER TABLE tenants
  ADD COLUMN schedule_time_zone text NOT NULL DEFAULT 'UTC' CHECK (length(schedule_time_zone) BETWEEN 1 AND 64),
  ADD COLUMN schedule_missed text NOT NULL DEFAULT 'once' CHECK (schedule_missed IN ('once', 'skip'));

-- A zone change moves the next fire time: the scheduler recomputes it (the missed-fire policy
-- only decides at the next claim, so it needs no recompute).
DROP TRIGGER tenant_schedules_on_change ON tenants;
CREATE TRIGGER tenant_schedules_on_change AFTER UPDATE OF schedule, schedule_is_default, paused, archived_at, schedule_time_zone ON tenants
  FOR EACH ROW WHEN (OLD.schedule IS DISTINCT FROM NEW.schedule OR OLD.schedule_is_default IS DISTINCT FROM NEW.schedule_is_default
                     OR OLD.paused IS DISTINCT FROM NEW.paused OR OLD.archived_at IS DISTINCT FROM NEW.archived_at
                     OR OLD.schedule_time_zone IS DISTINCT FROM NEW.schedule_time_zone)
  EXECUTE FUNCTION tenant_schedules_touch();

-- Down Migration

DROP TRIGGER tenant_schedules_on_change ON tenants;
CREATE TRIGGER tenant_schedules_on_change AFTER UPDATE OF schedule, schedule_is_default, paused, archived_at ON tenants
  FOR EACH ROW WHEN (OLD.schedule IS DISTINCT FROM NEW.schedule OR OLD.schedule_is_default IS DISTINCT FROM NEW.schedule_is_default
                     OR OLD.paused IS DISTINCT FROM NEW.paused OR OLD.archived_at IS DISTINCT FROM NEW.archived_at)
  EXECUTE FUNCTION tenant_schedules_touch();
ALTER TABLE tenants DROP COLUMN schedule_missed, DROP COLUMN schedule_time_zone;
