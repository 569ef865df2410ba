import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../../run-api/test/support/index.ts';

/** `pan release build` against a real run API and a local bare repository (file://, never the network). */

const panBin = fileURLToPath(new URL('../bin/pan.js', import.meta.url));

let stack: TestStack;
let tmp: string;
let commit: string;

function pan(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [panBin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'pan-build-'));
  chmodSync(tmp, 0o755); // the sandbox's unprivileged uid reads the repository
  const work = path.join(tmp, 'work');
  const bare = path.join(tmp, 'repo.git');
  const env = { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env }).toString().trim();
  mkdirSync(path.join(work, 'sync'), { recursive: true });
  writeFileSync(path.join(work, 'sync', 'PANDIUM.yaml'), 'version: 1.0\nbase: node:24\nrun: node index.js\n');
  writeFileSync(path.join(work, 'sync', 'index.js'), 'console.log("hi")\n');
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'first');
  git('tag', 'v2.1.0');
  commit = git('rev-parse', 'HEAD');
  // A looser file (`base: Node` warns), tagged on a later commit.
  writeFileSync(path.join(work, 'sync', 'PANDIUM.yaml'), 'version: 1.0\nbase: Node\nrun: node index.js\n');
  git('commit', '-q', '-am', 'loose base');
  git('tag', 'loose');
  git('checkout', '-q', 'v2.1.0');
  execFileSync('git', ['clone', '-q', '--bare', work, bare], { env });
  execFileSync('chmod', ['-R', 'a+rX', bare]);

  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    config: { sourceControl: { allowFile: true, fetchTimeoutMs: 120_000, fetchMaxBytes: 64 * 1024 * 1024 } },
    // The build worker alone (the server queues builds; a worker builds them).
    runEngine: { worker: false, scheduler: false, notifications: false, retention: false, builds: true },
  });
  const saved = await stack.app.inject({
    method: 'PUT',
    url: '/v2/integrations/git-built',
    headers: { 'x-api-key': stack.apiKey },
    payload: { name: 'Git built', type: 'internal', repository_url: pathToFileURL(bare).href, repository_path: 'sync' },
  });
  if (saved.statusCode !== 200) throw new Error(saved.body);
});

afterAll(async () => {
  await stack?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('pan release build', () => {
  it('builds the tag into a release named by it, and says so', async () => {
    const env = { PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey };
    const built = await pan(env, 'release', 'build', '--integration', 'git-built', '--tag', 'v2.1.0');
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toBe(`Built release v2.1.0 (${/\((.+?)\)/.exec(built.stdout)![1]}) of git-built from ${commit}, now the default\n`);
    const { rows } = await stack.db.query<{ version: string }>(
      'SELECT r.version FROM releases r JOIN integrations i ON i.id = r.integration_id WHERE i.slug = $1 AND i.account_id = $2',
      ['git-built', stack.accountId],
    );
    expect(rows).toEqual([{ version: 'v2.1.0' }]);

    const missing = await pan(env, 'release', 'build', '--integration', 'git-built', '--tag', 'v0.0.1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^pan release build: build failed PAN_ERR_SOURCE_REF_NOT_FOUND\n.*v0\.0\.1/);
  });

  it("prints PANDIUM.yaml's warnings with the built file's path, line and column", async () => {
    const env = { PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey };
    const built = await pan(env, 'release', 'build', '--integration', 'git-built', '--tag', 'loose');
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toMatch(/^warning: sync\/PANDIUM\.yaml:2:\d+: /);
    expect(built.stdout).toMatch(/^Built release loose \(\d+\) of git-built from [0-9a-f]{40}, now the default\n$/);
  });

  it('takes the integration by its integer id and prints the release\'s integer id', async () => {
    const env = { PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey };
    const { rows } = await stack.db.query<{ num_id: string }>('SELECT num_id FROM integrations WHERE slug = $1 AND account_id = $2', ['git-built', stack.accountId]);
    const built = await pan(env, 'release', 'build', '--integration', rows[0]!.num_id, '--tag', 'v2.1.0');
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    const release = await stack.db.query<{ num_id: string }>("SELECT r.num_id FROM releases r JOIN integrations i ON i.id = r.integration_id WHERE i.slug = 'git-built' AND r.version = 'v2.1.0'");
    expect(built.stdout).toBe(`Already built release v2.1.0 (${release.rows[0]!.num_id}) of ${rows[0]!.num_id} from ${commit}, now the default\n`);
  });
});
