-- Up Migration

-- The scheduler's index of due work (modules/runs/scheduler.ts): one row per tenant. A pass claims
-- rows with `next_fire_at <= now` in small batches (FOR UPDATE SKIP LOCKED), queues their cron
-- triggers and moves `next_fire_at` on in the same transaction, instead of locking every scheduled
-- tenant at every pass.
--   next_fire_at NULL:        nothing to fire (no schedule, paused or archived);
--   next_fire_at '-infinity': the schedule changed: the next pass computes it (croner runs in node);
--   otherwise:                the schedule's next fire time.
-- `last_fire_at` is the last fire time handled: fires missed while nothing ran collapse into one.
CREATE TABLE tenant_schedules (
  tenant_id    uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  next_fire_at timestamptz,
  last_fire_at timestamptz
);
CREATE INDEX tenant_schedules_due ON tenant_schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- Kept in step by the database, whatever path changes a tenant's schedule, pause, archive, or its
-- integration's default schedule (the catalog and tenants modules need not know the scheduler).
CREATE FUNCTION tenant_schedules_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tenant_schedules (tenant_id, next_fire_at) VALUES (NEW.id, '-infinity')
  ON CONFLICT (tenant_id) DO UPDATE SET next_fire_at = '-infinity';
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_schedules_on_insert AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION tenant_schedules_touch();
CREATE TRIGGER tenant_schedules_on_change AFTER UPDATE OF schedule, schedule_is_default, paused, archived_at ON tenants
  FOR EACH ROW WHEN (OLD.schedule IS DISTINCT FROM NEW.schedule OR OLD.schedule_is_default IS DISTINCT FROM NEW.schedule_is_default
                     OR OLD.paused IS DISTINCT FROM NEW.paused OR OLD.archived_at IS DISTINCT FROM NEW.archived_at)
  EXECUTE FUNCTION tenant_schedules_touch();

CREATE FUNCTION tenant_schedules_touch_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tenant_schedules s SET next_fire_at = '-infinity'
    FROM tenants t
   WHERE t.id = s.tenant_id AND t.integration_id = NEW.id AND t.schedule_is_default AND t.archived_at IS NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER tenant_schedules_on_default AFTER UPDATE OF default_schedule ON integrations
  FOR EACH ROW WHEN (OLD.default_schedule IS DISTINCT FROM NEW.default_schedule)
  EXECUTE FUNCTION tenant_schedules_touch_default();

-- Existing tenants keep their last fire: one catch-up fire if they missed any during the upgrade.
INSERT INTO tenant_schedules (tenant_id, next_fire_at, last_fire_at)
  SELECT id, '-infinity', cron_fired_at FROM tenants WHERE archived_at IS NULL;
ALTER TABLE tenants DROP COLUMN cron_fired_at;

-- The fire time a cron trigger stands for (NULL for every other source).
ALTER TABLE triggers ADD COLUMN scheduled_for timestamptz;

-- Down Migration

ALTER TABLE triggers DROP COLUMN scheduled_for;
ALTER TABLE tenants ADD COLUMN cron_fired_at timestamptz;
UPDATE tenants t SET cron_fired_at = s.last_fire_at FROM tenant_schedules s WHERE s.tenant_id = t.id;
DROP TRIGGER tenant_schedules_on_default ON integrations;
DROP FUNCTION tenant_schedules_touch_default();
DROP TRIGGER tenant_schedules_on_change ON tenants;
DROP TRIGGER tenant_schedules_on_insert ON tenants;
DROP FUNCTION tenant_schedules_touch();
DROP TABLE tenant_schedules;
