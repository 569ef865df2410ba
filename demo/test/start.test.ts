import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@pan/run-api';

/** `npm start`'s script as a process: a signal while it sets up stops it cleanly. */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('demo start', () => {
  it('SIGTERM during setup: the setup stops, the host app never listened, everything stops, exit 0', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'pan-demo-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const [port, demoPort, acmePort, acmeApiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/src/start.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PAN_DATA_DIR: dataDir,
        PAN_PORT: String(port),
        PAN_DEMO_PORT: String(demoPort),
        PAN_DEMO_ACME_PORT: String(acmePort),
        PAN_DEMO_ACME_API_PORT: String(acmeApiPort),
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    const output: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(`stderr: ${line}`));
    // Stopped in the middle of its setup: the integrations are loaded, the host app is not up yet.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (/^Loaded \d+ demo integrations$/.test(line)) child.kill('SIGTERM');
    });
    expect(await exited, output.join('\n')).toEqual({ code: 0, signal: null });
    expect(output).toContain('SIGTERM: stopping');
    expect(output.some((line) => line.startsWith('Ready in'))).toBe(false);
    expect(output.filter((line) => line.startsWith('stderr:'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    await expect(fetch(`http://127.0.0.1:${demoPort}/`)).rejects.toThrow();
  }, 120_000);
});
