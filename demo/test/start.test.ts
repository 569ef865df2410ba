import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@pan/run-api';
import { spawnScript } from '../../packages/run-api/test/support/index.ts';

/** `npm start`'s script as a process: a signal while it sets up stops it cleanly. */

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('demo start', () => {
  it('SIGTERM during setup: the setup stops, the host app never listened, everything stops, exit 0', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-demo-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [port, demoPort, acmePort, acmeApiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const demo = spawnScript('demo/src/start.ts', {
      PAN_DATA_DIR: dataDir,
      PAN_PORT: String(port),
      PAN_DEMO_PORT: String(demoPort),
      PAN_DEMO_ACME_PORT: String(acmePort),
      PAN_DEMO_ACME_API_PORT: String(acmeApiPort),
      DATABASE_URL: '',
    });
    cleanups.push(() => demo.kill());
    const { exited, output } = demo;
    // Stopped in the middle of its setup: the integrations are loaded, the host app is not up yet.
    await demo.waitForLine('stdout', /^Loaded \d+ demo integrations$/);
    demo.child.kill('SIGTERM');
    expect(await exited, output.join('\n')).toEqual({ code: 0, signal: null });
    expect(output).toContain('SIGTERM: stopping');
    expect(output.some((line) => line.startsWith('Ready in'))).toBe(false);
    expect(output.filter((line) => line.startsWith('stderr:'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${demoPort}/`)).rejects.toThrow();
  }, 120_000);
});
