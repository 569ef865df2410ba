import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isRunning, signEndUserToken } from '../../run-api/test/support/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pan, spawnPan, type LivePan } from './pan-process.ts';

/** `pan serve`: the run API and its embedded PostgreSQL, started and stopped as a user would. */

const elementsVersion = (createRequire(import.meta.url)('@pan/elements/package.json') as { version: string }).version;

let dataDir: string;
let live: LivePan | undefined;

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'pan-serve-'));
});

afterAll(async () => {
  // A failed test must not leave a server (and its PostgreSQL) behind.
  if (live && live.child.exitCode === null && live.child.signalCode === null) {
    live.child.kill('SIGTERM');
    await live.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('pan serve', () => {
  it('prints its URL, answers /health, and on SIGTERM stops everything and exits 0', async () => {
    live = spawnPan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', dataDir);
    const url = /listening on (http:\/\/\S+)$/.exec(await live.waitForLine('stdout', /^Run API listening on http:\/\//))![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);
    expect(live.stdout).toContain(`Embedded PostgreSQL in ${dataDir} (Unix socket in ${path.join(dataDir, 'pg')}, no TCP)`);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    // The script tag of the elements bundle it serves, whose integrity is the served file's.
    const tag = await live.waitForLine('stdout', /^Elements script tag: /);
    const [, src, integrity] = /<script type="module" src="([^"]+)" integrity="(sha384-[^"]+)" crossorigin="anonymous"><\/script>$/.exec(tag)!;
    expect(src).toBe(`${url}/elements/${elementsVersion}/pan-elements.js`);
    const script = await fetch(src!);
    expect(script.status).toBe(200);
    expect(integrity).toBe(`sha384-${createHash('sha384').update(Buffer.from(await script.arrayBuffer())).digest('base64')}`);
    // The import map of the lazy chunks' hashes, each the served chunk's, and the CSP hash of its text.
    const mapLine = await live.waitForLine('stdout', /^Elements import map /);
    const [, cspHash, json] = /CSP script-src ('sha256-[^']+')\): <script type="importmap">(.*)<\/script>$/.exec(mapLine)!;
    expect(cspHash).toBe(`'sha256-${createHash('sha256').update(json!).digest('base64')}'`);
    const chunks = Object.entries((JSON.parse(json!) as { integrity: Record<string, string> }).integrity);
    expect(chunks.length).toBeGreaterThan(0);
    for (const [chunkUrl, chunkIntegrity] of chunks) {
      expect(chunkUrl.startsWith(`${url}/elements/${elementsVersion}/chunks/`)).toBe(true);
      const chunk = Buffer.from(await (await fetch(chunkUrl)).arrayBuffer());
      expect(chunkIntegrity).toBe(`sha384-${createHash('sha384').update(chunk).digest('base64')}`);
    }
    const postmaster = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(isRunning(postmaster)).toBe(true);

    live.child.kill('SIGTERM');
    expect(await live.exited, live.stderr.join('\n')).toEqual({ code: 0, signal: null });
    expect(live.stdout).toContain('SIGTERM: stopping');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(isRunning(postmaster)).toBe(false);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  }, 60_000);

  it('after a SIGKILL, the next pan serve stops the orphaned PostgreSQL and starts; a second serve on a used data dir exits 3', async () => {
    const killed = spawnPan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', dataDir);
    live = killed;
    await killed.waitForLine('stdout', /^Run API listening on http:\/\//);
    const orphan = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    killed.child.kill('SIGKILL');
    await killed.exited;
    // PostgreSQL runs in a session of its own: it outlives a SIGKILLed server.
    expect(isRunning(orphan)).toBe(true);

    live = spawnPan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', dataDir);
    const url = /listening on (http:\/\/\S+)$/.exec(await live.waitForLine('stdout', /^Run API listening on http:\/\//))![1]!;
    expect(live.stdout.some((line) => line.includes(`Stopping the PostgreSQL (pid ${orphan}) that a previous server left running`))).toBe(true);
    expect(isRunning(orphan)).toBe(false);
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // One owner: a second server on the same data directory is refused, without a stack trace.
    const second = await pan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', dataDir);
    expect(second.code, second.stderr).toBe(3);
    expect(second.stderr).toContain(`it is in use by the process ${live.child.pid}`);
    expect(second.stderr).not.toContain('TypeError');
    expect((await fetch(`${url}/health`)).status).toBe(200);

    live.child.kill('SIGTERM');
    expect(await live.exited, live.stderr.join('\n')).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 90_000);

  it('a bad --port is a usage error (exit 2); --help shows the options and examples', async () => {
    const [bad, help] = await Promise.all([pan({}, 'serve', '--port', 'eighty'), pan({}, 'serve', '--help')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('a port is a whole number from 0 to 65535');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pan serve [options]');
    for (const option of ['--port <n>', '--host <host>', '--data-dir <dir>']) expect(help.stdout).toContain(option);
    expect(help.stdout).toContain('Examples:\n  pan serve\n');
  });

  // As root, PostgreSQL (the postgres user) and the sandbox (uid 65534) run as other users.
  it.runIf(process.getuid?.() === 0)('as root, a data directory inside a 0700 directory of another user: exit 3 naming it and what to do, nothing started', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'pan-private-home-'));
    try {
      chownSync(home, 1000, 1000);
      chmodSync(home, 0o700);
      const inside = path.join(home, 'pan-data');
      const run = await pan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', inside);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain(`The data directory ${inside} is inside ${home} (mode 0700, owner uid 1000)`);
      expect(run.stderr).toContain(`chmod o+x ${home}`);
      expect(run.stderr).toContain('PAN_DATA_DIR');
      expect(run.stderr).not.toMatch(/EACCES|\n\s+at /); // one message, no stack trace
      expect(existsSync(inside)).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a fresh server is usable: pan accounts create prints a key and a token secret that the served API accepts', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'pan-accounts-'));
    try {
      const created = await pan({}, 'accounts', 'create', 'acme', '--name', 'Acme', '--data-dir', fresh, '--json');
      expect(created.code, created.stderr).toBe(0);
      const account = JSON.parse(created.stdout) as { api_key: string; jwt: { iss: string; aud: string; secret_base64url: string } };
      expect(account.jwt).toMatchObject({ alg: 'HS256', iss: 'acme', aud: 'pan-marketplace' });
      const again = await pan({}, 'accounts', 'create', 'acme', '--data-dir', fresh);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('an account "acme" exists already');
      const added = await pan({}, 'accounts', 'api-key', 'acme', '--name', 'ci', '--data-dir', fresh, '--json');
      expect(added.code, added.stderr).toBe(0);
      const secondKey = (JSON.parse(added.stdout) as { api_key: string }).api_key;

      live = spawnPan({ DATABASE_URL: '' }, 'serve', '--port', '0', '--data-dir', fresh);
      const url = /listening on (http:\/\/\S+)$/.exec(await live.waitForLine('stdout', /^Run API listening on http:\/\//))![1]!;
      for (const key of [account.api_key, secondKey]) {
        const listed = await fetch(`${url}/v2/integrations`, { headers: { 'x-api-key': key } });
        expect(listed.status).toBe(200);
        expect(await listed.json()).toEqual([]);
      }
      expect((await fetch(`${url}/v2/integrations`, { headers: { 'x-api-key': `${account.api_key}x` } })).status).toBe(401);
      const token = await signEndUserToken(
        { issuer: account.jwt.iss, audience: account.jwt.aud, secret: Buffer.from(account.jwt.secret_base64url, 'base64url') },
        'first-user',
      );
      const catalog = await fetch(`${url}/marketplace/catalog`, { headers: { authorization: `Bearer ${token}` } });
      expect(catalog.status).toBe(200);

      // Keys are listed by prefix only, and a revoked key is refused from the next request on.
      const listed = await pan({}, 'accounts', 'keys', 'acme', '--data-dir', fresh, '--json');
      expect(listed.code, listed.stderr).toBe(0);
      const keys = JSON.parse(listed.stdout) as { prefix: string; name: string; revoked_at: string | null }[];
      expect(keys.map((k) => [k.name, k.revoked_at])).toEqual([
        ['default', null],
        ['ci', null],
      ]);
      expect(listed.stdout).not.toContain(account.api_key);
      expect(secondKey.startsWith(keys[1]!.prefix)).toBe(true);
      const revoked = await pan({}, 'accounts', 'revoke-key', 'acme', keys[1]!.prefix, '--data-dir', fresh);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await fetch(`${url}/v2/integrations`, { headers: { 'x-api-key': secondKey } })).status).toBe(401);
      expect((await fetch(`${url}/v2/integrations`, { headers: { 'x-api-key': account.api_key } })).status).toBe(200);
      const revokedAgain = await pan({}, 'accounts', 'revoke-key', 'acme', keys[1]!.prefix, '--data-dir', fresh);
      expect(revokedAgain.code).toBe(1);
      live.child.kill('SIGTERM');
      expect((await live.exited).code).toBe(0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 90_000);
});
