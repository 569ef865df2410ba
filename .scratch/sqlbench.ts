import pg from 'pg';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant } from '../bench/support/run-stack.ts';
import { insertWebhookTriggerIfOpen } from '../packages/run-api/src/modules/triggers/store.ts';
import { tenantReleaseIdSql } from '../packages/run-api/src/modules/catalog/sql.ts';

const stack = await startTestStack({ seedReleases: true, config: { logLevel: 'info' }, listen: false });
const tokens: string[] = [];
for (let i = 0; i < 10; i++) tokens.push(new URL((await installTenant(stack, `b-${i}`, 'hubspot-contacts', { direction: 'both' })).webhookUrl).pathname.split('/').pop()!);
const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 5 });
const body = Buffer.from(JSON.stringify({ type: 'contact.updated', id: 12345, email: 'ada@example.com', changed: ['phone'] }));
const headers = JSON.stringify({ 'content-type': 'application/json', 'content-length': '83', 'user-agent': 'autocannon' });
const OLD = `WITH t AS (INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
  SELECT t.account_id, t.id, 'webhook', 'webhook', NULL, $2::bytea, $3::jsonb FROM tenants t
   WHERE t.webhook_token = $1 AND t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
     AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema)
  RETURNING id, tenant_id) SELECT id, tenant_id FROM t`;
await stack.db.query('CREATE TABLE tb_shard (tenant_id uuid, shard int, pending_bytes bigint NOT NULL, PRIMARY KEY (tenant_id, shard))');
const bytes = (r: string) => `coalesce(octet_length(${r}.payload), 0) + coalesce(octet_length(${r}.payload_headers::text), 0)`;
const rows = `SELECT t.account_id, t.id, 'webhook', 'webhook', NULL, $2::bytea, $3::jsonb FROM tenants t
   WHERE t.webhook_token = $1 AND t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
     AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema)`;
const SHARD = (lock: boolean) => `WITH r (account_id, tenant_id, source, mode, event, payload, payload_headers) AS (${rows}),
     sized AS (SELECT r.*, ${bytes('r')} AS bytes FROM r ${lock ? 'JOIN tenants k ON k.id = r.tenant_id FOR KEY SHARE OF k' : ''}),
     counted AS (
       INSERT INTO tb_shard AS b (tenant_id, shard, pending_bytes)
       SELECT tenant_id, pg_backend_pid() % 16, sum(bytes) FROM sized s WHERE bytes > 0 GROUP BY tenant_id
       HAVING sum(bytes) + (SELECT coalesce(sum(pending_bytes), 0) FROM tb_shard x WHERE x.tenant_id = s.tenant_id) <= $4 ORDER BY tenant_id
       ON CONFLICT (tenant_id, shard) DO UPDATE SET pending_bytes = b.pending_bytes + excluded.pending_bytes
       RETURNING tenant_id
     ),
     t AS (
       INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
       SELECT account_id, tenant_id, source, mode, event, payload, payload_headers FROM sized
        WHERE bytes = 0 OR tenant_id IN (SELECT tenant_id FROM counted)
       RETURNING id, tenant_id
     )
     SELECT id, tenant_id FROM t
     UNION ALL
     SELECT DISTINCT NULL::uuid, tenant_id FROM sized WHERE bytes > 0 AND tenant_id NOT IN (SELECT tenant_id FROM counted)`;
const OLDLOCK = OLD.replace("WHERE t.webhook_token = $1", "WHERE t.webhook_token = $1").replace("r.has_webhook_schema)", "r.has_webhook_schema) FOR KEY SHARE OF t");
await stack.db.query('INSERT INTO tb_shard SELECT id, 0, 0 FROM tenants'); await stack.db.query('INSERT INTO trigger_backlogs SELECT id, 0 FROM tenants ON CONFLICT DO NOTHING');
const UPD = `WITH r AS (SELECT t.account_id, t.id AS tenant_id, ${bytes('x')} AS bytes, x.payload, x.payload_headers FROM tenants t, (SELECT $2::bytea AS payload, $3::jsonb AS payload_headers) x
   WHERE t.webhook_token = $1 AND t.archived_at IS NULL AND NOT t.paused AND t.webhook_secret_sealed IS NULL
     AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.id = ${tenantReleaseIdSql('t')} AND r.has_webhook_schema) FOR KEY SHARE OF t),
  c AS (UPDATE tb_shard b SET pending_bytes = b.pending_bytes + r.bytes FROM r WHERE b.tenant_id = r.tenant_id AND b.shard = 0 AND b.pending_bytes + r.bytes <= $4 RETURNING b.tenant_id)
  INSERT INTO triggers (account_id, tenant_id, source, mode, event, payload, payload_headers)
  SELECT account_id, tenant_id, 'webhook', 'webhook', NULL, payload, payload_headers FROM r WHERE tenant_id IN (SELECT tenant_id FROM c) RETURNING id, tenant_id`;
const sides: Record<string, (token: string) => Promise<unknown>> = {
  oldlock: (token) => pool.query({ name: 'oldlock', text: OLDLOCK, values: [token, body, headers] }),
  upd: (token) => pool.query({ name: 'upd', text: UPD, values: [token, body, headers, 100 * 1024 * 1024] }),
  shard: (token) => pool.query({ name: 'shard', text: SHARD(true), values: [token, body, headers, 100 * 1024 * 1024] }),
  shardnolock: (token) => pool.query({ name: 'shardnl', text: SHARD(false), values: [token, body, headers, 100 * 1024 * 1024] }),
  old: (token) => pool.query({ name: 'old', text: OLD, values: [token, body, headers] }),
  new: (token) => insertWebhookTriggerIfOpen(pool as never, token, body, JSON.parse(headers), 100 * 1024 * 1024),
};
async function round(name: string, ms: number): Promise<number> {
  let n = 0;
  const end = Date.now() + ms;
  await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    while (Date.now() < end) {
      await sides[name]!(tokens[i % 10]!);
      n++;
    }
  }));
  return n / (ms / 1000);
}
const seconds = Number(process.argv[2] ?? 4);
const order = (process.argv[3] ?? 'old,new').split(',');
for (const name of order) await round(name, 1000);
const res: Record<string, number[]> = Object.fromEntries(order.map((o) => [o, []]));
for (const name of [...order, ...order.slice().reverse(), ...order, ...order.slice().reverse()]) res[name]!.push(await round(name, seconds * 1000));
for (const [k, v] of Object.entries(res)) console.log(k, v.map((x) => x.toFixed(0)).join(' / '), 'mean', (v.reduce((a, b) => a + b) / v.length).toFixed(0));
await pool.end();
await stack.stop();
