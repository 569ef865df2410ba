/**
 * `npm run bench -- retention [runs] [batch] [reuse]`: the database's size before and after pruning many
 * small old runs (default 200,000, each with 2 log lines and one webhook trigger with a 1 KiB payload,
 * ended 100 days ago, as a webhook run leaves them), on a throwaway embedded PostgreSQL
 * (startTestStack, no run engine: the triggers sent meanwhile stay pending).
 *
 * The rows are made by SQL (generate_series, 50,000 runs per statement): going through the API
 * would measure intake, not retention. Then one pass of the pruner (modules/runs/retention.ts, the
 * default periods, `batch` rows per statement, default 1,000) while webhooks are sent one at a
 * time through the API: their latency, against the same webhooks before the pass (the baseline),
 * shows whether pruning blocks intake. Sizes: `pg_database_size` before the insert, after it, after
 * the pass, after a plain VACUUM (what a running installation gets: the space is reused, the files
 * mostly keep their size), with `reuse` after inserting the same runs again (the freed space
 * reused) and pruning them, and after VACUUM FULL (the files rewritten).
 */
import { RetentionPruner } from '../packages/run-api/src/modules/runs/retention.ts';
import { startTestStack } from '../packages/run-api/test/support/index.ts';
import { installTenant, percentileRow, wallNow } from './support/run-stack.ts';

const runCount = Number(process.argv[3] ?? 200_000);
const batchSize = Number(process.argv[4] ?? 1000);
/** `reuse`: after the VACUUM, insert the same old runs again and prune them: the files should not grow. */
const reuse = process.argv[5] === 'reuse';
const CHUNK = 50_000;
const TENANTS = 20;
const RECENT = 1000;

// No request budgets: the probe sends webhooks for as long as the pass lasts.
const noLimits = { windowMs: 60_000, perIp: 0, perWebhookToken: 0, perApiKey: 0, perEndUser: 0, authFailuresPerIp: 0 };
const stack = await startTestStack({ seedReleases: true, config: { logLevel: 'warn', rateLimits: noLimits, tenantPendingTriggerBytes: 0 }, poolSize: 6 });
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const size = async () => Number((await stack.db.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0]!.s);
const count = async (table: string) => Number((await stack.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

try {
  const tenants: { id: string; path: string }[] = [];
  for (let i = 0; i < TENANTS; i++) {
    const { tenant, webhookUrl } = await installTenant(stack, `retention-bench-${i}`, 'hubspot-contacts', { direction: 'both' });
    tenants.push({ id: tenant.id, path: new URL(webhookUrl).pathname });
  }
  const releaseId = (await stack.db.query<{ id: string }>('SELECT id FROM releases LIMIT 1')).rows[0]!.id;
  await stack.db.query('VACUUM');
  const before = await size();

  /** `n` ended runs, `daysAgo` days old, each with 2 log lines and one 1 KiB webhook trigger. */
  const insertRuns = async (n: number, daysAgo: number) => {
    await stack.db.query(
      `WITH r AS (
         INSERT INTO runs (account_id, tenant_id, release_id, queue, mode, status, triggers, worker_id, lease_expires_at, started_at, ended_at, log_lines)
         SELECT $1, ($2::uuid[])[1 + s % cardinality($2::uuid[])], $3, 'other', 'webhook', 'Succeeded', '[]', 'bench', now(),
                now() - $5 * interval '1 day', now() - $5 * interval '1 day', 2
           FROM generate_series(1, $4) s
         RETURNING id, tenant_id
       ), l AS (
         INSERT INTO run_log_lines (run_id, seq, at, line)
         SELECT r.id, s, now() - $5 * interval '1 day', 'synced record ' || s FROM r, generate_series(1, 2) s
       )
       INSERT INTO triggers (account_id, tenant_id, source, mode, payload, payload_headers, created_at, run_id)
       SELECT $1, r.tenant_id, 'webhook', 'webhook', convert_to(repeat('x', 1024), 'UTF8'), '{"content-type":"application/json"}',
              now() - $5 * interval '1 day', r.id
         FROM r`,
      [stack.accountId, tenants.map((t) => t.id), releaseId, n, daysAgo],
    );
  };
  const insertStarted = wallNow();
  for (let done = 0; done < runCount; done += CHUNK) {
    await insertRuns(Math.min(CHUNK, runCount - done), 100);
    process.stdout.write(`\r  inserted ${Math.min(runCount, done + CHUNK).toLocaleString('en-US')} runs`);
  }
  await insertRuns(RECENT, 5);
  process.stdout.write('\n');
  const insertMs = wallNow() - insertStarted;
  await stack.db.query('VACUUM ANALYZE');
  const afterInsert = await size();
  const rowsBefore = { runs: await count('runs'), lines: await count('run_log_lines'), triggers: await count('triggers') };

  /** Webhooks one at a time through the API, until `until` resolves (or `n` were sent); their latencies. */
  const body = JSON.stringify({ event: 'contact.updated', id: 1 });
  const sendWebhooks = async (until: Promise<unknown> | undefined, n: number) => {
    let done = false;
    void until?.finally(() => (done = true));
    const latencies: number[] = [];
    for (let i = 0; until ? !done : i < n; i++) {
      const started = wallNow();
      const answer = await stack.app.inject({ method: 'POST', url: tenants[i % TENANTS]!.path, payload: body, headers: { 'content-type': 'application/json' } });
      if (answer.statusCode !== 202) throw new Error(`webhook answered ${answer.statusCode}: ${answer.body}`);
      latencies.push(wallNow() - started);
    }
    return latencies;
  };
  const baseline = await sendWebhooks(undefined, 500);

  const pruner = new RetentionPruner({ db: stack.db, policy: { runsDays: 90, payloadsDays: 30, deliveriesDays: 30 }, batchSize });
  const pruneStarted = wallNow();
  const pass = pruner.pass();
  // The pass is awaited even when the probe fails, so that its error is the one reported.
  const [probe, passed] = await Promise.allSettled([sendWebhooks(pass, 0), pass]);
  if (passed.status === 'rejected') throw passed.reason;
  if (probe.status === 'rejected') throw probe.reason;
  const during = probe.value;
  const counts = passed.value;
  const pruneMs = wallNow() - pruneStarted;
  if (!counts) throw new Error('the pass did not get the retention lock');
  const afterPrune = await size();
  const rowsAfter = { runs: await count('runs'), lines: await count('run_log_lines'), triggers: await count('triggers') };
  await stack.db.query('VACUUM');
  const afterVacuum = await size();
  let reused: { inserted: number; pruned: number } | undefined;
  if (reuse) {
    for (let done = 0; done < runCount; done += CHUNK) await insertRuns(Math.min(CHUNK, runCount - done), 100);
    const inserted = await size();
    await pruner.pass();
    await stack.db.query('VACUUM');
    reused = { inserted, pruned: await size() };
  }
  await stack.db.query('VACUUM FULL');
  const afterFull = await size();

  console.log(`\nretention: ${runCount.toLocaleString('en-US')} old runs (2 log lines, one 1 KiB trigger each) + ${RECENT} recent, batch ${batchSize}`);
  console.log(`  insert (SQL, generate_series)          ${(insertMs / 1000).toFixed(1)} s`);
  console.log(`  rows before pass                       runs ${rowsBefore.runs}, log lines ${rowsBefore.lines}, triggers ${rowsBefore.triggers}`);
  console.log(`  pass                                   ${(pruneMs / 1000).toFixed(1)} s, ${counts.statements} statements: ${JSON.stringify(counts)}`);
  console.log(`  rows after pass                        runs ${rowsAfter.runs}, log lines ${rowsAfter.lines}, triggers ${rowsAfter.triggers} (pending webhooks of the probe included)`);
  console.log('  pg_database_size');
  console.log(`    before insert                        ${mb(before)}`);
  console.log(`    after insert                         ${mb(afterInsert)}`);
  console.log(`    after the pass                       ${mb(afterPrune)}`);
  console.log(`    after VACUUM                         ${mb(afterVacuum)}`);
  if (reused) {
    console.log(`    the same runs inserted again         ${mb(reused.inserted)}  (the freed space reused)`);
    console.log(`    pruned again, VACUUM                 ${mb(reused.pruned)}`);
  }
  console.log(`    after VACUUM FULL                    ${mb(afterFull)}`);
  console.log('  webhook intake, one at a time through the API');
  console.log(percentileRow('baseline (before the pass)', baseline, 40));
  console.log(percentileRow('during the pass', during, 40));
} finally {
  await stack.stop();
}
