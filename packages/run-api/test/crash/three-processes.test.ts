import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/index.ts';
import { crashStack, UNFINISHED, type CrashStack } from './crash-support.ts';
import { scriptIntegration } from '../modules/runs/run-support.ts';

/**
 * Crash test: three server processes on one database, random triggers (webhooks and manual runs)
 * for many tenants sent to random processes. One tenant never has two runs at the same time (read
 * from the runs' start and end times in the database), and every trigger runs, exactly once.
 */

let crash: CrashStack;
beforeAll(async () => {
  crash = await crashStack();
}, 60_000);
afterAll(async () => {
  await crash?.stop();
});

describe('three processes on one database', () => {
  it('never two active runs for one tenant; every trigger runs once', async () => {
    const { stack } = crash;
    // Runs of a random length (0-60 ms of the script), so that claims of one tenant race.
    const slug = await scriptIntegration(stack, 'crash-random', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `setTimeout(() => console.log(JSON.stringify({ ok: true })), Math.floor(Math.random() * 60));`,
    });
    const tenants = await crash.tenants(slug, 30);
    const servers = await Promise.all([1, 2, 3].map(() => crash.startServer({ PAN_WORKER_CONCURRENCY: '3' })));

    const TRIGGERS = 600;
    const triggerIds: string[] = [];
    let next = 0;
    const client = async () => {
      while (next < TRIGGERS) {
        next += 1;
        const tenant = tenants[Math.floor(Math.random() * tenants.length)]!;
        const server = servers[Math.floor(Math.random() * servers.length)]!;
        // One in five a manual run, the rest webhooks.
        const response =
          Math.random() < 0.2
            ? await fetch(`${server.url}/marketplace/tenants/${tenant.id}/runs`, {
                method: 'POST',
                headers: { authorization: `Bearer ${tenant.jwt}`, 'content-type': 'application/json' },
                body: JSON.stringify({ mode: 'normal' }),
              })
            : await fetch(`${server.url}/webhooks/${tenant.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(response.status, await response.clone().text()).toBe(202);
        triggerIds.push(((await response.json()) as { trigger_id: string }).trigger_id);
      }
    };
    await Promise.all(Array.from({ length: 12 }, client));

    await until(
      async () =>
        (await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM triggers WHERE run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE status = ANY($1::text[]))', [UNFINISHED])).rows[0]!.n,
      (n) => n === 0,
      'every trigger to be in a finished run',
      90_000,
      200,
    );

    // Every trigger in exactly one finished run's bundle, and that run succeeded.
    const { rows: bundles } = await stack.db.query<{ id: string; runs: number; statuses: string[] }>(
      `SELECT a.id, count(r.id)::int AS runs, array_agg(r.status) AS statuses
         FROM unnest($1::uuid[]) AS a(id)
         LEFT JOIN runs r ON r.status <> ALL($2::text[]) AND r.triggers @> jsonb_build_array(jsonb_build_object('id', a.id::text))
        GROUP BY a.id`,
      [triggerIds, UNFINISHED],
    );
    expect(bundles).toHaveLength(TRIGGERS);
    expect(bundles.filter((b) => b.runs !== 1 || b.statuses[0] !== 'Succeeded')).toEqual([]);

    // No two runs of one tenant overlap: each starts after the tenant's previous one ended.
    const { rows: overlaps } = await stack.db.query<{ tenant_id: string; a: string; b: string }>(
      `SELECT r1.tenant_id, r1.id AS a, r2.id AS b FROM runs r1 JOIN runs r2
          ON r2.tenant_id = r1.tenant_id AND r2.id <> r1.id AND r2.started_at >= r1.started_at
         AND r2.started_at < coalesce(r1.ended_at, 'infinity')`,
    );
    expect(overlaps).toEqual([]);

    const { rows: perWorker } = await stack.db.query<{ worker_id: string; runs: number }>(
      'SELECT worker_id, count(*)::int AS runs FROM runs GROUP BY worker_id ORDER BY runs DESC',
    );
    const { rows: [figures] } = await stack.db.query<{ triggers: number; runs: number; tenants: number; max_bundle: number; lost: number }>(
      `SELECT (SELECT count(*)::int FROM triggers) AS triggers, count(*)::int AS runs, count(DISTINCT tenant_id)::int AS tenants, max(jsonb_array_length(triggers))::int AS max_bundle,
              count(*) FILTER (WHERE status = 'Lost')::int AS lost FROM runs`,
    );
    console.log(
      `three-processes: ${TRIGGERS} triggers sent (${figures!.triggers} triggers in the database) for ${figures!.tenants} tenants in ${figures!.runs} runs ` +
        `(${perWorker.map((w) => w.runs).join('/')} per process, largest bundle ${figures!.max_bundle}, ${figures!.lost} lost); no overlapping runs of a tenant`,
    );
    expect(perWorker).toHaveLength(3);
    expect(figures!.lost).toBe(0);

    for (const server of servers) server.child.kill('SIGTERM');
    for (const server of servers) expect(await server.exited, server.output.join('\n')).toEqual({ code: 0, signal: null });
  }, 180_000);
});
