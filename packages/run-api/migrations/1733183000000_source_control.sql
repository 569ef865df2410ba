-- Up Migration

-- Releases built from git: where an integration's script lives (Pandium's Integration fields).
ALTER TABLE integrations
  ADD COLUMN repository_url text CHECK (length(repository_url) <= 2000),
  -- The directory inside the repository that holds PANDIUM.yaml ('' or NULL: its root).
  ADD COLUMN repository_path text CHECK (length(repository_path) <= 500),
  -- Pushes to this branch build a release (POST /webhooks/sourcecontrol/<token>).
  ADD COLUMN repository_tracking_branch text CHECK (length(repository_tracking_branch) <= 255);

-- The push-event webhook of an integration: an unguessable URL token and the shared secret the
-- sender signs with (GitHub, Bitbucket) or sends (GitLab), sealed with the secret box.
CREATE TABLE source_webhooks (
  integration_id  uuid PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  token           text NOT NULL UNIQUE,
  secret_sealed   bytea NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE source_webhooks;
ALTER TABLE integrations
  DROP COLUMN repository_tracking_branch,
  DROP COLUMN repository_path,
  DROP COLUMN repository_url;
