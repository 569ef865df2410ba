/**
 * Seconds from `npm start` to a served page: cold (a fresh data directory, so PostgreSQL is
 * initialised and the demo loaded from nothing) and warm (the same directory again).
 * Baseline, same run: starting a bare embedded PostgreSQL in a fresh and in an existing directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDatabase } from '../packages/run-api/src/platform/db/embedded.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demoPort = 3500;
const apiPort = 3501;

async function servedAfter(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PAN_DATA_DIR: dataDir, PAN_DEMO_PORT: String(demoPort), PAN_PORT: String(apiPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => {
    exitCode = code;
    resolve();
  }));
  child.stdout.resume();
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${demoPort}/login`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - started) / 1000;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exited]);
      if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode} before serving`);
    }
  } finally {
    if (exitCode === undefined) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    // npm may exit before the server it started: wait until the port is free again.
    while (await fetch(`http://127.0.0.1:${demoPort}/login`).then(() => true, () => false)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function bareDatabase(dir: string): Promise<number> {
  const started = performance.now();
  const db = await startEmbeddedDatabase({ dir, persistent: true });
  const seconds = (performance.now() - started) / 1000;
  await db.stop();
  return seconds;
}

const runs = Number(process.argv[3] ?? 3);
const results = { cold: [] as number[], warm: [] as number[], baseCold: [] as number[], baseWarm: [] as number[] };
for (let i = 0; i < runs; i += 1) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pan-startup-'));
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'pan-startup-base-'));
  try {
    results.baseCold.push(await bareDatabase(baseDir));
    results.baseWarm.push(await bareDatabase(baseDir));
    results.cold.push(await servedAfter(dataDir));
    results.warm.push(await servedAfter(dataDir));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(baseDir, { recursive: true, force: true });
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(2)} s (runs: ${xs.map((x) => x.toFixed(2)).join(', ')})`;
console.log(`startup: npm start (build + run API + demo) until the page is served, ${runs} runs`);
console.log(`  cold (fresh data dir):             ${fmt(results.cold)}`);
console.log(`  warm (existing data dir):          ${fmt(results.warm)}`);
console.log(`  baseline: bare PostgreSQL, fresh:  ${fmt(results.baseCold)}`);
console.log(`  baseline: bare PostgreSQL, reused: ${fmt(results.baseWarm)}`);
console.log(`  ours over the baseline: cold +${(median(results.cold) - median(results.baseCold)).toFixed(2)} s, warm +${(median(results.warm) - median(results.baseWarm)).toFixed(2)} s`);
