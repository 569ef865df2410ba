import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOOPBACK_EGRESS_ALLOW, startTestStack, type TestStack } from '../../support/index.ts';
import { BuildWorker } from '../../../src/modules/sourcecontrol/build-worker.ts';

/**
 * A private repository: a local git smart-HTTP server (git http-backend behind node:http, on
 * 127.0.0.1, never the network) that answers 401 unless the request carries the right Basic
 * credentials. The integration's token is set through the API, kept sealed, never answered back or
 * logged, and handed to git by askpass: the build succeeds with it, fails with
 * PAN_ERR_SOURCE_AUTH_FAILED without it or with a wrong one.
 */

const USER = 'x-access-token';
const TOKEN = 'ghp_privateRepoToken_5d1c0e9a7b3f';
const YAML = 'version: 1.0\nbase: node:24\nrun: node index.js\n';

let stack: TestStack;
let tmp: string;
let server: Server;
let repoUrl: string;
/** Every Authorization header the git server saw (to prove the token went over the wire). */
const seenAuth: string[] = [];
/** While set, the git server holds every request unanswered (a slow fetch), and says when one arrived. */
let stall: { arrived: () => void } | undefined;

/** git http-backend as a CGI program, for one request. */
function serveGit(root: string): Server {
  return createServer((request, response) => {
    if (stall) {
      stall.arrived();
      return;
    }
    const auth = request.headers.authorization;
    if (auth) seenAuth.push(auth);
    if (auth !== `Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="private"' }).end();
      return;
    }
    const url = new URL(request.url!, 'http://localhost');
    const cgi = spawn('/usr/lib/git-core/git-http-backend', [], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method!,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        REMOTE_USER: USER,
        REMOTE_ADDR: '127.0.0.1',
        ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
        ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      },
    });
    request.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const end = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, end).toString('latin1');
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(status, headers).end(out.subarray(end + 4));
    });
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-private-git-'));
  await chmod(tmp, 0o755);
  const work = path.join(tmp, 'work');
  const root = path.join(tmp, 'srv');
  await mkdir(path.join(work, 'integ'), { recursive: true });
  await mkdir(root);
  const env = { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  await writeFile(path.join(work, 'integ', 'PANDIUM.yaml'), YAML);
  await writeFile(path.join(work, 'integ', 'index.js'), 'console.log("private")\n');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env }).toString().trim();
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'first');
  git(work, 'tag', 'v1.0.0');
  git(tmp, 'clone', '-q', '--bare', work, path.join(root, 'repo.git'));
  server = serveGit(root);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;

  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    listen: false,
    config: { egressAllow: LOOPBACK_EGRESS_ALLOW, sourceControl: { allowFile: false, fetchTimeoutMs: 120_000, fetchMaxBytes: 64 * 1024 * 1024, buildConcurrency: 1 } },
    runEngine: { worker: false, scheduler: false, notifications: false, retention: false, builds: true },
  });
  const saved = await api('PUT', '/v2/integrations/private-git', { name: 'Private git', type: 'Internal', repository_url: repoUrl, repository_path: 'integ' });
  expect(saved.statusCode, saved.body).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => server?.close(resolve));
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

function api(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return stack.app.inject({ method, url, headers: { 'x-api-key': stack.apiKey }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function build(tag: string) {
  const queued = await api('POST', '/v2/sourcecontrol/build', { tag, integration_id: 'private-git' });
  expect(queued.statusCode, queued.body).toBe(202);
  let answer: { state: string; error: { code?: string; message: string } | null; release: { version: string } | null; commit: string | null } | undefined;
  await expect
    .poll(
      async () => {
        answer = (await api('GET', `/v2/sourcecontrol/builds/${queued.json().build_id}`)).json();
        return answer!.state;
      },
      { timeout: 60_000, interval: 100 },
    )
    .toMatch(/^(succeeded|failed)$/);
  return answer!;
}

describe('a private repository over HTTPS-style Basic auth', () => {
  it('fails without credentials, builds with the token, fails with a wrong one; the token is never shown or logged', async () => {
    const without = await build('v1.0.0');
    expect(without).toMatchObject({ state: 'failed', error: { code: 'PAN_ERR_SOURCE_AUTH_FAILED' } });
    expect((await api('GET', '/v2/integrations/private-git/sourcecontrol/credentials')).statusCode).toBe(404);

    const set = await api('PUT', '/v2/integrations/private-git/sourcecontrol/credentials', { token: TOKEN });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ type: 'token', username: USER, created_date: expect.any(String) });
    const read = await api('GET', '/v2/integrations/private-git/sourcecontrol/credentials');
    expect(read.json()).toEqual(set.json());
    // Sealed at rest.
    const { rows } = await stack.db.query<{ secret_sealed: Buffer }>('SELECT secret_sealed FROM source_credentials');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_sealed.includes(Buffer.from(TOKEN))).toBe(false);

    const built = await build('v1.0.0');
    expect(built).toMatchObject({ state: 'succeeded', error: null, release: { version: 'v1.0.0' } });
    expect(seenAuth).toContain(`Basic ${Buffer.from(`${USER}:${TOKEN}`).toString('base64')}`);

    expect((await api('PUT', '/v2/integrations/private-git/sourcecontrol/credentials', { token: 'not-the-token' })).statusCode).toBe(200);
    const wrong = await build('v1.0.0');
    expect(wrong).toMatchObject({ state: 'failed', error: { code: 'PAN_ERR_SOURCE_AUTH_FAILED' } });

    expect((await api('DELETE', '/v2/integrations/private-git/sourcecontrol/credentials')).statusCode).toBe(204);
    expect((await api('GET', '/v2/integrations/private-git/sourcecontrol/credentials')).statusCode).toBe(404);

    // Never in an answer, a stored build error or the server's log.
    const errors = await stack.db.query<{ error: unknown }>('SELECT error FROM release_builds');
    expect(JSON.stringify(errors.rows)).not.toContain(TOKEN);
    expect(stack.logLines.some((line) => line.includes(TOKEN))).toBe(false);
    expect(set.body + read.body).not.toContain(TOKEN);
  });

  it('a stopping server stops a slow build and gives it back to the queue; the next worker builds it', async () => {
    expect((await api('PUT', '/v2/integrations/private-git/sourcecontrol/credentials', { token: TOKEN })).statusCode).toBe(200);
    let arrived!: () => void;
    const fetching = new Promise<void>((resolve) => (arrived = resolve));
    stall = { arrived };
    const queued = await api('POST', '/v2/sourcecontrol/build', { tag: 'v1.0.0', integration_id: 'private-git' });
    const id = queued.json().build_id as string;
    await fetching; // git is waiting for the server's answer
    await stack.engine!.builds!.stop(0);
    const { rows } = await stack.db.query<{ state: string; attempts: number; worker_id: string | null }>('SELECT state, attempts, worker_id FROM release_builds WHERE id = $1', [id]);
    expect(rows[0]).toEqual({ state: 'queued', attempts: 0, worker_id: null });

    stall = undefined;
    // The next process's worker.
    const next = new BuildWorker({
      context: { db: stack.db, box: stack.box, egress: stack.app.egress, config: stack.config },
      databaseUrl: stack.databaseUrl,
      concurrency: 1,
      leaseMs: 5_000,
    });
    await next.start();
    try {
      await expect
        .poll(async () => (await api('GET', `/v2/sourcecontrol/builds/${id}`)).json().state, { timeout: 60_000, interval: 100 })
        .toBe('succeeded');
    } finally {
      await next.stop();
    }
  });

  it('refuses a token with spaces or control characters, naming the field', async () => {
    const response = await api('PUT', '/v2/integrations/private-git/sourcecontrol/credentials', { token: 'two words' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    expect(response.body).toContain('token');
    expect(response.body).not.toContain('two words');
  });
});
