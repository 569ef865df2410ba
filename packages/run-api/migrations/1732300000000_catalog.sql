-- Up Migration

-- An account is one host SaaS company: its end-user JWT settings, API keys and catalog.
CREATE TABLE accounts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name             text NOT NULL,
  -- `iss` of the end-user tokens this account signs; unique so a token names its account.
  jwt_issuer       text NOT NULL UNIQUE,
  jwt_audience     text NOT NULL,
  jwt_algorithms   text[] NOT NULL DEFAULT '{HS256}'
                   CHECK (jwt_algorithms <@ '{HS256,RS256,ES256,EdDSA}'::text[] AND cardinality(jwt_algorithms) > 0),
  -- HS256 shared secret, sealed with AES-256-GCM (never stored or returned in clear).
  jwt_hs256_secret bytea,
  jwt_jwks_url     text,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Public keys registered for RS256 / ES256 / EdDSA end-user tokens.
CREATE TABLE account_jwt_keys (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kid         text NOT NULL,
  alg         text NOT NULL CHECK (alg IN ('RS256', 'ES256', 'EdDSA')),
  public_jwk  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, kid)
);

-- Server-to-server keys; only a SHA-256 of the key is kept.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name         text NOT NULL,
  key_prefix   text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

CREATE TABLE categories (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL,
  position    integer NOT NULL DEFAULT 0,
  UNIQUE (account_id, slug)
);

CREATE TABLE integrations (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  slug                text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type                text NOT NULL CHECK (type IN ('internal', 'external')),
  external_url        text,
  logo_url            text,
  short_description   text NOT NULL DEFAULT '',
  long_description    text NOT NULL DEFAULT '',
  tags                text[] NOT NULL DEFAULT '{}',
  flag_name           text,
  flag_color          text,
  connectors          text[] NOT NULL DEFAULT '{}',
  -- Empty: visible to everyone; else only to tokens whose xti.user_group is listed.
  visible_to_groups   text[] NOT NULL DEFAULT '{}',
  default_release_id  uuid,
  archived_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, slug),
  CHECK ((type = 'external') = (external_url IS NOT NULL)),
  CHECK ((flag_name IS NULL) = (flag_color IS NULL))
);

CREATE TABLE integration_categories (
  integration_id  uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  category_id     uuid NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
  PRIMARY KEY (integration_id, category_id)
);

-- One version of an integration: its parsed PANDIUM.yaml and its script directory (a tar.gz).
CREATE TABLE releases (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  integration_id  uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  version         text NOT NULL,
  pandium_yaml    text NOT NULL,
  spec            jsonb NOT NULL,
  warnings        jsonb NOT NULL DEFAULT '[]',
  archive         bytea NOT NULL,
  archive_sha256  text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (integration_id, version),
  UNIQUE (integration_id, archive_sha256)
);

ALTER TABLE integrations
  ADD CONSTRAINT integrations_default_release_fk FOREIGN KEY (default_release_id) REFERENCES releases (id);

-- One installation of one integration for one end user (JWT `sub`).
CREATE TABLE tenants (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id      uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  integration_id  uuid NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  user_sub        text NOT NULL,
  configs         jsonb NOT NULL DEFAULT '{}',
  paused          boolean NOT NULL DEFAULT false,
  archived_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tenants_one_active_per_user ON tenants (account_id, user_sub, integration_id)
  WHERE archived_at IS NULL;

-- Down Migration
DROP TABLE tenants;
ALTER TABLE integrations DROP CONSTRAINT integrations_default_release_fk;
DROP TABLE releases;
DROP TABLE integration_categories;
DROP TABLE integrations;
DROP TABLE categories;
DROP TABLE api_keys;
DROP TABLE account_jwt_keys;
DROP TABLE accounts;
