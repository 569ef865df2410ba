import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setprivPath } from '../../src/modules/runner/parent-death.ts';
import { isRunning, until } from '../support/index.ts';
import { scriptIntegration } from '../modules/runs/run-support.ts';
import { crashStack, type CrashStack } from './crash-support.ts';

/**
 * Without the sandbox (PAN_RUN_SANDBOX=off) a run still dies with its server: its command is given
 * a parent-death signal (setpriv --pdeathsig SIGKILL), so a SIGKILLed server, which runs no
 * handler, leaves no script running. The script records its pid in a file of the test.
 */

let crash: CrashStack;
let dir: string;
beforeAll(async () => {
  crash = await crashStack();
  dir = await mkdtemp(path.join(os.tmpdir(), 'pan-pdeath-'));
}, 60_000);
afterAll(async () => {
  // Should the feature fail, the script must not outlive the test either.
  for (const pid of (await readFile(path.join(dir, 'pids'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number)) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
  await crash?.stop();
});

describe.runIf(process.platform === 'linux')('an unsandboxed run when its server is killed', () => {
  it('dies with the server (parent-death signal)', async () => {
    expect(setprivPath()).toMatch(/\/setpriv$/);
    const pids = path.join(dir, 'pids');
    const slug = await scriptIntegration(crash.stack, `pdeath-${randomBytes(3).toString('hex')}`, {
      'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrun: node run.mjs\n',
      'run.mjs': `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(pids)}, process.pid + '\\n');
setInterval(() => {}, 60_000);`,
    });
    const [tenant] = await crash.tenants(slug, 1);
    const server = await crash.startServer({ PAN_RUN_SANDBOX: 'off' });
    const queued = await fetch(`${server.url}/marketplace/tenants/${tenant!.id}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant!.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'normal' }),
    });
    expect(queued.status).toBe(202);
    const [pid] = await until(
      async () => (await readFile(pids, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number),
      (found) => found.length > 0,
      'the run to start',
    );
    expect(isRunning(pid!)).toBe(true);

    server.child.kill('SIGKILL');
    await server.exited;
    // The kernel sends the signal as the server dies; only a loaded machine makes it take a moment.
    await until(async () => isRunning(pid!), (running) => !running, 'the run to die with its server', 10_000);
  }, 90_000);
});
