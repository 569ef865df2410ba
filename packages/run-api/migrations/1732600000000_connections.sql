-- Up Migration

-- Connectors: the external systems an account's integrations connect to (OAuth2 or API key).
CREATE TABLE connectors (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id             uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name                   text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$'),
  type                   text NOT NULL CHECK (type IN ('oauth2', 'api_key')),
  display_name           text NOT NULL,
  -- OAuth2: an issuer to discover, or both endpoints.
  issuer                 text,
  authorization_endpoint text,
  token_endpoint         text,
  client_id              text,
  client_secret_sealed   bytea,
  scopes                 text[] NOT NULL DEFAULT '{}',
  extra_params           jsonb NOT NULL DEFAULT '{}',
  -- API key: the form's fields [{name, label, help, secret}].
  fields                 jsonb NOT NULL DEFAULT '[]',
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name),
  CHECK (type <> 'oauth2' OR (client_id IS NOT NULL AND (issuer IS NOT NULL OR (authorization_endpoint IS NOT NULL AND token_endpoint IS NOT NULL))))
);

-- One connection per end user and connector, shared by every tenant of that user that needs it.
CREATE TABLE connections (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_sub        text NOT NULL,
  connector_id    uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  -- A sealed JSON object: field -> value (OAuth2: access_token, refresh_token, ...). Never returned.
  secrets_sealed  bytea NOT NULL,
  -- The field names, for display ("stored: api_key, account_id").
  field_names     text[] NOT NULL,
  expires_at      timestamptz,
  status          text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'needs_reconnect')),
  status_reason   text,
  connected_at    timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, user_sub, connector_id)
);

-- OAuth2 authorization requests in flight: single use, 10 minutes, bound to the user (and tenant).
CREATE TABLE oauth_states (
  state_hash            bytea PRIMARY KEY,
  account_id            uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_sub              text NOT NULL,
  connector_id          uuid NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
  tenant_id             uuid REFERENCES tenants (id) ON DELETE CASCADE,
  code_verifier_sealed  bytea NOT NULL,
  redirect_uri          text NOT NULL,
  return_origin         text NOT NULL,
  return_url            text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  expires_at            timestamptz NOT NULL,
  used_at               timestamptz
);
CREATE INDEX oauth_states_expiry ON oauth_states (expires_at);

-- Down Migration
DROP TABLE oauth_states;
DROP TABLE connections;
DROP TABLE connectors;
