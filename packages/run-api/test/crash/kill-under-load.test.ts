import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until, type ServerProcess } from '../support/index.ts';
import { crashStack, echoIntegration, UNFINISHED, type CrashStack } from './crash-support.ts';

/**
 * Crash test: kill -9 of the server under webhook load. A client posts webhooks concurrently to a
 * real server process (default sandbox, its own database on the test cluster); the server is
 * SIGKILLed while requests are in flight and started again on the same database and port; the
 * client goes on. Every webhook answered 202 must end in exactly one finished run: none lost,
 * none run twice. The runs the kill interrupted are swept as Lost after their lease and run again.
 */

let crash: CrashStack;
beforeAll(async () => {
  crash = await crashStack();
}, 60_000);
afterAll(async () => {
  await crash?.stop();
});

describe('kill -9 under webhook load', () => {
  it('every trigger answered 202 is in exactly one finished run', async () => {
    const { stack } = crash;
    const slug = await echoIntegration(stack, 'crash-echo', 200);
    const tenants = await crash.tenants(slug, 8);
    const env = { PAN_RUN_LEASE_MS: '3000', PAN_WORKER_CONCURRENCY: '4' };
    let server: ServerProcess = await crash.startServer(env);
    const port = new URL(server.url).port;

    // The load: CONCURRENCY clients posting webhooks to random tenants until told to stop. A request
    // that fails (the server is gone) waits for the next server and is not counted as answered.
    const CONCURRENCY = 12;
    const acked: string[] = [];
    let failed = 0;
    let other = 0;
    let stopping = false;
    let serverUp: Promise<void> = Promise.resolve();
    let sent = 0;
    const client = async () => {
      while (!stopping) {
        const tenant = tenants[Math.floor(Math.random() * tenants.length)]!;
        const up = serverUp;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/webhooks/${tenant.token}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ n: (sent += 1) }),
          });
          if (response.status === 202) acked.push(((await response.json()) as { trigger_id: string }).trigger_id);
          else other += 1;
        } catch {
          failed += 1;
          await up;
        }
      }
    };
    let restart!: () => void;
    serverUp = new Promise((resolve) => (restart = resolve));
    const clients = Array.from({ length: CONCURRENCY }, client);

    // Kill it mid-load, once some runs are under way.
    await until(
      async () => ({ acked: acked.length, running: (await stack.db.query('SELECT 1 FROM runs WHERE status = $1', ['Running'])).rowCount }),
      (s) => s.acked >= 150 && (s.running ?? 0) > 0,
      'load and runs under way',
    );
    server.child.kill('SIGKILL');
    await server.exited;
    const ackedBeforeKill = acked.length;
    server = await crash.startServer({ ...env, PAN_PORT: port });
    restart();
    await until(async () => acked.length, (n) => n >= ackedBeforeKill + 150, 'load on the restarted server');
    stopping = true;
    await Promise.all(clients);

    // Every answered trigger ends in a finished run (the lost ones after their lease).
    const finished = await until(
      async () =>
        (
          await stack.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM triggers t JOIN runs r ON r.id = t.run_id WHERE t.id = ANY($1::uuid[]) AND r.status <> ALL($2::text[])`,
            [acked, UNFINISHED],
          )
        ).rows[0]!.n,
      (n) => n === acked.length,
      'every answered trigger to be in a finished run',
      90_000,
      200,
    );
    // Each answered trigger id is in exactly one finished run's bundle, and that run succeeded.
    const { rows: bundles } = await stack.db.query<{ id: string; runs: number; statuses: string[] }>(
      `SELECT a.id, count(r.id)::int AS runs, array_agg(r.status) AS statuses
         FROM unnest($1::uuid[]) AS a(id)
         LEFT JOIN runs r ON r.status <> ALL($2::text[]) AND r.triggers @> jsonb_build_array(jsonb_build_object('id', a.id::text))
        GROUP BY a.id`,
      [acked, UNFINISHED],
    );
    expect(bundles.filter((b) => b.runs !== 1)).toEqual([]);
    expect(bundles.filter((b) => b.statuses[0] !== 'Succeeded')).toEqual([]);
    expect(new Set(acked).size).toBe(acked.length);

    const { rows: [figures] } = await stack.db.query<{ runs: number; lost: number; lost_triggers: number; stored: number; max_bundle: number }>(
      `SELECT (SELECT count(*)::int FROM runs WHERE status <> ALL($1::text[])) AS runs,
              (SELECT count(*)::int FROM runs WHERE status = 'Lost') AS lost,
              (SELECT coalesce(sum(jsonb_array_length(triggers)), 0)::int FROM runs WHERE status = 'Lost') AS lost_triggers,
              (SELECT count(*)::int FROM triggers WHERE source = 'webhook') AS stored,
              (SELECT coalesce(max(jsonb_array_length(triggers)), 0)::int FROM runs) AS max_bundle`,
      [UNFINISHED],
    );
    console.log(
      `kill-under-load: ${acked.length} webhooks answered 202 (${ackedBeforeKill} before the kill), ${failed} requests failed at the kill, ${other} other answers; ` +
        `${figures!.stored} webhook triggers stored (${figures!.stored - acked.length} stored but unanswered); ${finished} answered triggers in ${figures!.runs} finished runs, each exactly once; ` +
        `${figures!.lost} runs lost at the kill (${figures!.lost_triggers} triggers) and run again; largest bundle ${figures!.max_bundle}`,
    );
    expect(figures!.lost).toBeGreaterThan(0);
    expect(other).toBe(0);

    server.child.kill('SIGTERM');
    expect(await server.exited, server.output.join('\n')).toEqual({ code: 0, signal: null });
  }, 180_000);
});
