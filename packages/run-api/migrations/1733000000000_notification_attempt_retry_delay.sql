-- Up Migration

-- The backoff an attempt's failure scheduled before the next attempt, as the deliverer chose it
-- (NULL when none was scheduled: delivered, failed for good, or taken over by another deliverer).
ALTER TABLE notification_attempts ADD COLUMN retry_delay_ms integer CHECK (retry_delay_ms >= 0);

-- Down Migration

ALTER TABLE notification_attempts DROP COLUMN retry_delay_ms;
