/**
 * Seconds from `npm start` to a served page, in the state `npm ci` leaves (its `prepare` built the
 * packages and the demo page, so `npm start` builds nothing): cold (the first start, on a fresh
 * data directory, so PostgreSQL is initialised and the demo loaded from nothing; goal < 4 s) and
 * warm (a later start on the same directory; goal < 1.5 s).
 * Baseline, same run: starting a bare embedded PostgreSQL in a fresh and in an existing directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedDatabase } from '../packages/run-api/src/platform/db/embedded.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [demoPort, apiPort, acmePort, acmeApiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
/** Starts that rebuilt something (they print "Building ..."): none, after `npm run build`. */
const rebuilt: string[] = [];

async function servedAfter(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: {
      ...process.env,
      PAN_DATA_DIR: dataDir,
      PAN_DEMO_PORT: String(demoPort),
      PAN_PORT: String(apiPort),
      PAN_DEMO_ACME_PORT: String(acmePort),
      PAN_DEMO_ACME_API_PORT: String(acmeApiPort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => {
    exitCode = code;
    resolve();
  }));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) if (line.startsWith('Building')) rebuilt.push(line);
  });
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

// The state after `npm ci` (whose `prepare` is `npm run build`): everything built, nothing to rebuild.
console.log('npm run build (as npm ci\'s prepare does; not timed)');
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

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
const goal = (xs: number[], seconds: number) => `goal < ${seconds} s: ${median(xs) < seconds ? 'met' : 'missed'}`;
console.log(`startup: npm start (after npm ci: run API + demo, no build) until the page is served, ${runs} runs`);
console.log(`  cold (first start, fresh data dir): ${fmt(results.cold)}; ${goal(results.cold, 4)}`);
console.log(`  warm (later start, same data dir):  ${fmt(results.warm)}; ${goal(results.warm, 1.5)}`);
console.log(`  baseline: bare PostgreSQL, fresh:  ${fmt(results.baseCold)}`);
console.log(`  baseline: bare PostgreSQL, reused: ${fmt(results.baseWarm)}`);
console.log(`  starts that rebuilt something: ${rebuilt.length === 0 ? 'none' : rebuilt.join('; ')}`);
console.log(`  ours over the baseline: cold +${(median(results.cold) - median(results.baseCold)).toFixed(2)} s, warm +${(median(results.warm) - median(results.baseWarm)).toFixed(2)} s`);
