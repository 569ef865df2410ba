-- Up Migration

-- Whether a release validates webhook bodies (`webhook.schema`), kept beside the spec so the
-- webhook intake's one-statement path does not read (and decompress) the whole spec per request.
ALTER TABLE releases
  ADD COLUMN has_webhook_schema boolean GENERATED ALWAYS AS (coalesce((spec -> 'webhook') ? 'schema', false)) STORED;

-- Down Migration
ALTER TABLE releases DROP COLUMN has_webhook_schema;
