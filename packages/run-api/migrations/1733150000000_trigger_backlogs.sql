-- Up Migration

-- Payload bytes (body and headers) of each tenant's triggers not yet claimed by a run, kept by
-- the statements that store, claim and give back triggers (modules/triggers/store.ts), so that
-- intake can refuse a trigger that would go over the cap without summing the backlog.
CREATE TABLE trigger_backlogs (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  pending_bytes bigint NOT NULL CHECK (pending_bytes >= 0)
);

INSERT INTO trigger_backlogs (tenant_id, pending_bytes)
SELECT tenant_id, sum(coalesce(octet_length(payload), 0) + coalesce(octet_length(payload_headers::text), 0))
  FROM triggers WHERE run_id IS NULL GROUP BY tenant_id;

-- Down Migration

DROP TABLE trigger_backlogs;
