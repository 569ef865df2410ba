import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerStatus } from '@pan/contract';
import { until, type Exit } from '../support/index.ts';
import { scriptIntegration } from '../modules/runs/run-support.ts';
import { crashStack, type CrashStack } from './crash-support.ts';

/**
 * Crash test: a trigger whose run kills its server every time. Each lost run counts as an attempt
 * of its triggers, so after PAN_TRIGGER_MAX_ATTEMPTS the trigger is dead-lettered and the next
 * server stays up, instead of the trigger taking down every server that claims it, forever.
 */

let crash: CrashStack;
beforeAll(async () => {
  crash = await crashStack();
}, 60_000);
afterAll(async () => {
  await crash?.stop();
});

describe('a run that kills its server', () => {
  it('is lost PAN_TRIGGER_MAX_ATTEMPTS times, then its trigger is dead-lettered and the server lives', async () => {
    const { stack } = crash;
    // Unsandboxed, the script's parent is the server itself.
    const slug = await scriptIntegration(stack, 'server-killer', {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `process.kill(process.ppid, 'SIGKILL'); setInterval(() => {}, 60_000);`,
    });
    const [tenant] = await crash.tenants(slug, 1);
    const env = { PAN_RUN_SANDBOX: 'off', PAN_RUN_LEASE_MS: '2000', PAN_TRIGGER_MAX_ATTEMPTS: '2', PAN_TRIGGER_RETRY_BASE_MS: '100' };
    let server = await crash.startServer(env);
    const queued = await fetch(`${server.url}/marketplace/tenants/${tenant!.id}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant!.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'normal' }),
    });
    expect(queued.status).toBe(202);
    const triggerId = ((await queued.json()) as TriggerStatus).trigger_id;
    const dead = async () =>
      (await stack.db.query<{ dead: boolean }>('SELECT dead_lettered_at IS NOT NULL AS dead FROM triggers WHERE id = $1', [triggerId])).rows[0]!.dead;

    // Each server either is killed by the run or sees the trigger dead-lettered; at most 5 tries.
    const deadLettered = until(dead, (d) => d, 'the trigger to be dead-lettered', 150_000, 100).then(() => 'dead-lettered' as const);
    const kills: Exit[] = [];
    for (let start = 1; start <= 5; start += 1) {
      const outcome = await Promise.race([server.exited, deadLettered]);
      if (outcome === 'dead-lettered') break;
      kills.push(outcome);
      server = await crash.startServer(env);
    }
    expect(kills).toEqual([
      { code: null, signal: 'SIGKILL' },
      { code: null, signal: 'SIGKILL' },
    ]);
    const status = await fetch(`${server.url}/marketplace/triggers/${triggerId}`, { headers: { authorization: `Bearer ${tenant!.jwt}` } });
    expect(await status.json()).toMatchObject({ state: 'dead_letter', attempts: 2, run_status: 'Lost' });
    const { rows } = await stack.db.query<{ status: string }>('SELECT status FROM runs WHERE tenant_id = $1 ORDER BY started_at', [tenant!.id]);
    expect(rows.map((r) => r.status)).toEqual(['Lost', 'Lost']);
    console.log(`lost-attempts: ${kills.length} servers killed by the run, ${rows.length} runs Lost, then the trigger was dead-lettered and the third server stayed up`);

    expect(server.child.exitCode).toBeNull();
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output.join('\n')).toEqual({ code: 0, signal: null });
  }, 180_000);
});
