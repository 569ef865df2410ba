import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTree, GitError } from '../../../src/modules/sourcecontrol/git.ts';
import { EgressPolicy } from '../../../src/platform/egress.ts';

/** `fetchTree` on its own (unsandboxed: the API tests run it in the sandbox): what git may not do. */

let tmp: string;
let bare: string;
const egress = new EgressPolicy({ allow: [] });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-git-unit-'));
  await chmod(tmp, 0o755);
  const work = path.join(tmp, 'work');
  bare = path.join(tmp, 'repo.git');
  await mkdir(work);
  await writeFile(path.join(work, 'PANDIUM.yaml'), 'version: 1.0\nbase: node:24\nrun: node index.js\n');
  // Incompressible, so the pack is larger than a small file size limit.
  await writeFile(path.join(work, 'blob.bin'), randomBytes(256 * 1024));
  const env = { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'one'], ['clone', '-q', '--bare', '.', bare]]) {
    execFileSync('git', args, { cwd: work, env });
  }
});

afterAll(async () => {
  await egress.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const options = () => ({ url: pathToFileURL(bare), ref: 'main', subdir: '', egress, timeoutMs: 120_000, maxBytes: 64 * 1024 * 1024 });

describe('fetchTree', () => {
  it("does not pass the server's environment to git", async () => {
    // Were these inherited, git would refuse file:// and look for its repository elsewhere.
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.file.allow', GIT_CONFIG_VALUE_0: 'never', GIT_DIR: path.join(tmp, 'nowhere') });
    try {
      const fetched = await fetchTree(options());
      expect(fetched.commit).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      for (const key of ['GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0', 'GIT_DIR']) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it.each(['ext::sh -c touch% /tmp/pan-ext-pwned', 'ssh://git@example.com/x.git', 'git://example.com/x.git'])('refuses the transport of %s', async (url) => {
    await expect(fetchTree({ ...options(), url: new URL(url) })).rejects.toBeInstanceOf(GitError);
  });

  it('fetches over http from the address the egress policy admits, pinned (the name resolves nowhere else)', async () => {
    const server = await gitHttpServer(tmp);
    try {
      const port = (server.address() as AddressInfo).port;
      // `git.pan-test.invalid` exists only in this policy's resolver: git can only have used the pinned address.
      const admitted = new EgressPolicy({ allow: ['127.0.0.1/32'], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const url = new URL(`http://git.pan-test.invalid:${port}/repo.git`);
      const fetched = await fetchTree({ ...options(), url, egress: admitted });
      expect(fetched.commit).toMatch(/^[0-9a-f]{40}$/);

      const refused = new EgressPolicy({ allow: [], resolve: async () => [{ address: '127.0.0.1', family: 4 }] });
      const error = await fetchTree({ ...options(), url, egress: refused }).catch((e: unknown) => e);
      expect((error as GitError).kind).toBe('egress');
      await Promise.all([admitted.close(), refused.close()]);
    } finally {
      server.close();
    }
  });

  it('stops a fetch whose pack outgrows the size limit', async () => {
    const error = await fetchTree({ ...options(), maxBytes: 64 * 1024 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).kind).toBe('limit');
  });

  it('stops git at the time limit', async () => {
    // 1 ms: no git process can even start within it, so the limit is always what ends it.
    const error = await fetchTree({ ...options(), timeoutMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).kind).toBe('limit');
  });
});

/** git's smart HTTP protocol for the repositories under `root`, through `git http-backend` (CGI). */
async function gitHttpServer(root: string): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://localhost');
    const backend = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method,
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(request.headers['content-encoding'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    request.pipe(backend.stdin);
    const chunks: Buffer[] = [];
    backend.stdout.on('data', (c: Buffer) => chunks.push(c));
    backend.on('close', () => {
      const output = Buffer.concat(chunks);
      const split = output.indexOf('\r\n\r\n');
      const head = output.subarray(0, split).toString('utf8');
      let status = 200;
      for (const line of head.split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name!.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else response.setHeader(name!, value);
      }
      response.writeHead(status);
      response.end(output.subarray(split + 4));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
