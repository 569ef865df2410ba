-- Up Migration

-- A rotated notification secret may keep signing beside the new one for a while (Standard Webhooks
-- sends several signatures), so receivers can switch without missing a notification.
ALTER TABLE notification_endpoints
  ADD COLUMN previous_secret_sealed bytea,
  ADD COLUMN previous_secret_expires_at timestamptz,
  ADD CONSTRAINT notification_endpoints_previous_secret CHECK ((previous_secret_sealed IS NULL) = (previous_secret_expires_at IS NULL));

-- Down Migration

ALTER TABLE notification_endpoints
  DROP CONSTRAINT notification_endpoints_previous_secret,
  DROP COLUMN previous_secret_expires_at,
  DROP COLUMN previous_secret_sealed;
