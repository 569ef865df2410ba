-- Up Migration

-- Where a release built from git came from (NULL: uploaded). `source_branch` is set when a push to
-- the tracking branch built it (Pandium's IntegrationRelease.repository_tracking_branch).
ALTER TABLE releases
  ADD COLUMN source_ref text,
  ADD COLUMN source_commit text,
  ADD COLUMN source_branch text;

-- Builds from git, queued by POST /v2/sourcecontrol/build and push events, built by the worker
-- role off the request path. A claim holds a lease (`lease_expires_at`): a build whose process
-- died is claimed again once its lease ran out.
CREATE TABLE release_builds (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  integration_id   uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  -- The tag or branch to fetch; `version` names the release (NULL: `<branch>-<commit12>`, a push).
  ref              text NOT NULL CHECK (length(ref) <= 255),
  version          text CHECK (length(version) <= 255),
  branch_push      boolean NOT NULL DEFAULT false,
  make_default     boolean NOT NULL DEFAULT true,
  state            text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  worker_id        text,
  lease_expires_at timestamptz,
  release_id       uuid REFERENCES releases (id) ON DELETE SET NULL,
  release_created  boolean,
  commit           text,
  -- PANDIUM.yaml's warnings (file:line:col), one line each, as the upload answers them.
  warnings         jsonb,
  -- A failed build's error: {code, message, errors?} as the API would have answered it.
  error            jsonb,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at       timestamptz,
  finished_at      timestamptz
);
CREATE INDEX release_builds_claimable ON release_builds (created_at) WHERE state IN ('queued', 'running');
CREATE INDEX release_builds_integration ON release_builds (integration_id, created_at);

-- A private repository's credentials for an integration's builds: an HTTPS token (with the user
-- name the host wants), sealed with the secret box, never returned; handed to git by askpass.
CREATE TABLE source_credentials (
  integration_id  uuid PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  username        text NOT NULL CHECK (length(username) <= 255),
  secret_sealed   bytea NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE source_credentials;
DROP TABLE release_builds;
ALTER TABLE releases DROP COLUMN source_branch, DROP COLUMN source_commit, DROP COLUMN source_ref;
