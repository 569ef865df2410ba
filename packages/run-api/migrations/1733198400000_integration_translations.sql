-- Up Migration

-- The listing's name and descriptions per locale (BCP 47 tag -> {name, short_description,
-- long_description}), set through PUT /v2/integrations/{slug}; the elements show the best match
-- for their locale. The route checks the tags and lengths; the column only insists on a mapping.
ALTER TABLE integrations
  ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(translations) = 'object');

-- Down Migration

ALTER TABLE integrations DROP COLUMN translations;
