-- Up Migration

-- An integration's default schedule (`{"type":"interval","every":1,"unit":"hours"}` or
-- `{"type":"cron","expression":"0 9 * * 1-5"}`); NULL: it runs only when triggered.
ALTER TABLE integrations
  ADD COLUMN default_schedule jsonb CHECK (default_schedule IS NULL OR jsonb_typeof(default_schedule) = 'object');

-- Lets a tenant's pinned release be checked against the tenant's own integration.
ALTER TABLE releases ADD CONSTRAINT releases_id_integration_key UNIQUE (id, integration_id);

ALTER TABLE tenants
  -- Which release the tenant runs: the integration's default, its newest, or one pinned release.
  ADD COLUMN release_channel text NOT NULL DEFAULT 'default' CHECK (release_channel IN ('default', 'latest', 'pinned')),
  ADD COLUMN pinned_release_id uuid,
  -- TRUE: the tenant follows the integration's default schedule (and `schedule` is NULL).
  -- FALSE: `schedule` is the tenant's own; NULL there means "no schedule, only triggers".
  ADD COLUMN schedule_is_default boolean NOT NULL DEFAULT true,
  ADD COLUMN schedule jsonb CHECK (schedule IS NULL OR jsonb_typeof(schedule) = 'object'),
  -- The options the last successful init run published, keyed by definition; NULL until then.
  ADD COLUMN dynamic_configs jsonb CHECK (dynamic_configs IS NULL OR jsonb_typeof(dynamic_configs) = 'object'),
  ADD CONSTRAINT tenants_pinned_release_fk
    FOREIGN KEY (pinned_release_id, integration_id) REFERENCES releases (id, integration_id),
  ADD CONSTRAINT tenants_pinned_release_check CHECK ((release_channel = 'pinned') = (pinned_release_id IS NOT NULL)),
  ADD CONSTRAINT tenants_schedule_default_check CHECK (NOT schedule_is_default OR schedule IS NULL),
  ADD CONSTRAINT tenants_configs_object_check CHECK (jsonb_typeof(configs) = 'object');

-- "My integrations" and the install limit count a user's active tenants.
CREATE INDEX tenants_by_user ON tenants (account_id, user_sub) WHERE archived_at IS NULL;

-- Down Migration
DROP INDEX tenants_by_user;
ALTER TABLE tenants
  DROP CONSTRAINT tenants_configs_object_check,
  DROP CONSTRAINT tenants_schedule_default_check,
  DROP CONSTRAINT tenants_pinned_release_check,
  DROP CONSTRAINT tenants_pinned_release_fk,
  DROP COLUMN dynamic_configs,
  DROP COLUMN schedule,
  DROP COLUMN schedule_is_default,
  DROP COLUMN pinned_release_id,
  DROP COLUMN release_channel;
ALTER TABLE releases DROP CONSTRAINT releases_id_integration_key;
ALTER TABLE integrations DROP COLUMN default_schedule;
