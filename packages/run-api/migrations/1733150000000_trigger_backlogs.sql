-- Up Migration

-- Payload bytes (body and headers) of each tenant's triggers not yet claimed by a run, kept by
-- the statements that store, claim and give back triggers (modules/triggers/store.ts), so that
-- intake can refuse a trigger that would go over the cap without summing the backlog.
CREATE TABLE trigger_backlogs (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  pending_bytes bigint NOT NULL CHECK (pending_bytes >= 0)
);

-- A tenant's row is created by its first trigger with a payload; existing tenants get theirs now.
INSERT INTO trigger_backlogs (tenant_id, pending_bytes)
SELECT t.id, coalesce(sum(coalesce(octet_length(tr.payload), 0) + coalesce(octet_length(tr.payload_headers::text), 0)), 0)
  FROM tenants t LEFT JOIN triggers tr ON tr.tenant_id = t.id AND tr.run_id IS NULL
 GROUP BY t.id;

-- Down Migration

DROP TABLE trigger_backlogs;
