-- Up Migration

-- Pandium's published API names tenants, releases and runs by integers; ours are UUIDs. As for
-- integrations (1733182000000), `num_id` is the public integer id, given once and never reused.
-- UUIDs stay the internal keys (foreign keys, the marketplace API, the elements); the host API
-- maps between the two at its boundary (docs/architecture.md, "Public integer ids").
-- The UNIQUE index is what makes a host lookup (`num_id = $1 AND account_id = $2`) one index probe,
-- whether the id exists in this account, in another, or nowhere.
ALTER TABLE tenants ADD COLUMN num_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;
ALTER TABLE releases ADD COLUMN num_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;
ALTER TABLE runs ADD COLUMN num_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE;

-- Down Migration

ALTER TABLE runs DROP COLUMN num_id;
ALTER TABLE releases DROP COLUMN num_id;
ALTER TABLE tenants DROP COLUMN num_id;
