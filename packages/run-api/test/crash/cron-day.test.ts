import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Schedule } from '@pan/contract';
import { TRIGGERS_CHANNEL } from '../../src/modules/triggers/store.ts';
import type { ServerProcess } from '../support/index.ts';
import { call } from '../modules/runs/run-support.ts';
import { crashStack, echoIntegration, type CrashStack } from './crash-support.ts';

/**
 * Cron across three real server processes (PAN_ROLES=scheduler) on one database, through a
 * simulated day: the processes share a clock file (PAN_SCHEDULER_CLOCK=file:...), which the test
 * moves from one fire time to the next and only once that time's triggers are all stored. One
 * process is killed (SIGKILL) at noon. Every tenant must get every fire time of its schedule
 * exactly once: no duplicate across processes, none missed through the kill.
 */

const MINUTE = 60_000;
// A Monday, 00:00 UTC: the simulated day is (DAY, DAY + 24 h].
const DAY = Date.parse('2030-01-07T00:00:00Z');

let crash: CrashStack;
let dir: string;

beforeAll(async () => {
  crash = await crashStack();
  dir = await mkdtemp(path.join(os.tmpdir(), 'pan-cron-day-'));
});

afterAll(async () => {
  await crash?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every fire time of a schedule in (DAY, DAY + 24 h], by plain arithmetic (not by croner). */
const times = (first: number, step: number, keep: (t: number) => boolean = () => true) => {
  const out: number[] = [];
  for (let t = DAY + first; t <= DAY + 1440 * MINUTE; t += step) if (t > DAY && keep(t)) out.push(t);
  return out;
};
const tenantsPlan: { name: string; schedule: Schedule; expected: number[] }[] = [
  { name: 'five-a', schedule: { type: 'cron', expression: '*/5 * * * *' }, expected: times(5 * MINUTE, 5 * MINUTE) },
  { name: 'five-b', schedule: { type: 'cron', expression: '*/5 * * * *' }, expected: times(5 * MINUTE, 5 * MINUTE) },
  { name: 'hourly', schedule: { type: 'cron', expression: '7 * * * *' }, expected: times(7 * MINUTE, 60 * MINUTE) },
  { name: 'daily', schedule: { type: 'cron', expression: '30 2 * * *' }, expected: [DAY + 150 * MINUTE] },
  {
    name: 'office-hours',
    schedule: { type: 'cron', expression: '*/15 8-17 * * 1-5' },
    expected: times(0, 15 * MINUTE, (t) => new Date(t).getUTCHours() >= 8 && new Date(t).getUTCHours() <= 17),
  },
  // Intervals count from the install (set to DAY below).
  { name: 'interval', schedule: { type: 'interval', every: 20, unit: 'minutes' }, expected: times(20 * MINUTE, 20 * MINUTE) },
];

it('three scheduler processes on one clock fire every time of a simulated day exactly once, through a kill', { timeout: 240_000 }, async () => {
  const stack = crash.stack;
  const installed = await crash.tenants(await echoIntegration(stack, 'cron-day'), tenantsPlan.length);
  const tenants = tenantsPlan.map((plan, i) => ({ id: installed[i]!.id, jwt: installed[i]!.jwt, name: plan.name, expected: plan.expected }));
  for (const [i, plan] of tenantsPlan.entries()) {
    const patched = await call(stack, 'PATCH', `/marketplace/tenants/${tenants[i]!.id}`, tenants[i]!.jwt, { schedule: plan.schedule });
    expect(patched.statusCode, patched.body).toBe(200);
  }
  // As if installed at the start of the simulated day: nothing is due before it.
  await stack.db.query('UPDATE tenants SET created_at = $2 WHERE id = ANY($1::uuid[])', [tenants.map((t) => t.id), new Date(DAY)]);

  const clockFile = path.join(dir, 'clock');
  const setClock = async (at: number) => {
    // Atomically: a process reading the clock sees the old time or the new one.
    await writeFile(`${clockFile}.next`, new Date(at).toISOString());
    await rename(`${clockFile}.next`, clockFile);
  };
  await setClock(DAY);
  const processes: ServerProcess[] = await Promise.all(
    [0, 1, 2].map(() =>
      crash.startServer({
        PAN_ROLES: 'scheduler',
        PAN_SCHEDULER_CLOCK: `file:${clockFile}`,
        // A moved clock wakes the schedulers at once; this only bounds a missed wake-up.
        PAN_SCHEDULER_INTERVAL_MS: '2000',
      }),
    ),
  );

  // Wake-ups: the schedulers NOTIFY the workers' channel with each batch that queued triggers.
  const listener = new pg.Client({ connectionString: stack.databaseUrl });
  await listener.connect();
  let notified: () => void = () => {};
  listener.on('notification', () => notified());
  await listener.query(`LISTEN ${TRIGGERS_CHANNEL}`);
  const stored = async (at: number) =>
    (await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM triggers WHERE source = 'cron' AND scheduled_for = $1`, [new Date(at)])).rows[0]!.n;

  try {
    const due = new Map<number, number>();
    for (const t of tenants) for (const at of t.expected) due.set(at, (due.get(at) ?? 0) + 1);
    const steps = [...due.keys()].sort((a, b) => a - b);
    for (const at of steps) {
      if (at >= DAY + 720 * MINUTE && processes[1]!.child.signalCode === null) await processes[1]!.kill();
      await setClock(at);
      // Until this time's triggers are all stored: each batch's NOTIFY makes the test look again.
      const deadline = new Promise<never>((_, reject) => {
        const timer = setTimeout(() => reject(new Error(`fires for ${new Date(at).toISOString()} not all stored in 30 s`)), 30_000);
        timer.unref();
      });
      deadline.catch(() => {});
      for (;;) {
        const woken = new Promise<void>((resolve) => (notified = resolve));
        if ((await stored(at)) >= due.get(at)!) break;
        await Promise.race([woken, deadline]);
      }
    }
  } finally {
    await listener.end();
  }

  // The two survivors stop cleanly; then nothing can add a late duplicate.
  for (const p of [processes[0]!, processes[2]!]) {
    p.child.kill('SIGTERM');
    expect(await p.exited, p.output.join('\n')).toEqual({ code: 0, signal: null });
  }
  expect(processes[1]!.child.signalCode).toBe('SIGKILL');

  for (const tenant of tenants) {
    const { rows } = await stack.db.query<{ at: Date }>(
      `SELECT scheduled_for AS at FROM triggers WHERE source = 'cron' AND tenant_id = $1 ORDER BY scheduled_for`,
      [tenant.id],
    );
    expect({ tenant: tenant.name, fired: rows.map((r) => r.at.toISOString()) }).toEqual({
      tenant: tenant.name,
      fired: tenant.expected.map((t) => new Date(t).toISOString()),
    });
  }
});
