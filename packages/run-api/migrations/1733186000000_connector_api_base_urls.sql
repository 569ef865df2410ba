-- Up Migration

-- Where the connector proxy may send a tenant's requests (none: it refuses the connector).
ALTER TABLE connectors ADD COLUMN api_base_urls text[] NOT NULL DEFAULT '{}';

-- Down Migration

ALTER TABLE connectors DROP COLUMN api_base_urls;
