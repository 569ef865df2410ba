-- Up Migration

-- Pandium's integration ids are integers (PAN_CTX_INTEGRATION_ID, its API's `integration_id`);
-- ours are UUIDs. `num_id` is the integration's integer id, given once and never reused: what a
-- run sees as PAN_CTX_INTEGRATION_ID, and what the host API can name integrations by.
ALTER TABLE integrations ADD COLUMN num_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;

-- Down Migration

ALTER TABLE integrations DROP COLUMN num_id;
