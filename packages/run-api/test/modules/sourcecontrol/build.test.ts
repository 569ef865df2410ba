import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmod, mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Parser } from 'tar';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { createOtherAccount, startTestStack, type TestStack } from '../../support/index.ts';

/**
 * Releases built from git: a local bare repository (file://, in a temp directory; never the
 * network) with an integration in `integ/`. Builds by tag through `POST /v2/sourcecontrol/build`,
 * and by signed push events to `POST /webhooks/sourcecontrol/<token>`, both queued (202) and built
 * by the build worker (one at a time here), followed at `GET /v2/sourcecontrol/builds/:id`; every
 * answer is checked against what PostgreSQL holds afterwards.
 */

let stack: TestStack;
let tmp: string;
let work: string;
let bare: string;
const SLUG = 'from-git';

const VALID_YAML = `version: 1.0
base: node:24
run: node index.js
configs:
  schema:
    type: object
    properties:
      channel:
        type: string
`;

const identity = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { PATH: process.env.PATH, HOME: tmp, GIT_CONFIG_NOSYSTEM: '1', ...identity } }).toString('utf8').trim();
}

/** Commits these files in the work tree and pushes `branch` (and `tag`, when given) to the bare repository. */
async function commit(files: Record<string, string>, options: { branch?: string; tag?: string } = {}): Promise<string> {
  const branch = options.branch ?? 'main';
  git(work, 'checkout', '-q', '-B', branch);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, name)), { recursive: true });
    await writeFile(path.join(work, name), content);
  }
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '--allow-empty', '-m', `commit ${Object.keys(files).join(' ')}`);
  if (options.tag) git(work, 'tag', '-a', options.tag, '-m', options.tag);
  git(work, 'push', '-q', bare, branch, ...(options.tag ? [options.tag] : []));
  // The sandbox's unprivileged uid reads the repository.
  execFileSync('chmod', ['-R', 'a+rX', bare]);
  return git(work, 'rev-parse', 'HEAD');
}

function api(method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) {
  return stack.app.inject({ method, url, headers: { 'x-api-key': stack.apiKey }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

type Build = {
  id: string;
  state: string;
  ref: string;
  commit: string | null;
  attempts: number;
  release: { id: number; version: string; created: boolean; is_default: boolean } | null;
  error: { code?: string; message: string } | null;
};

/** Follows a queued build at its status route until it ended. */
async function ended(buildId: string): Promise<Build> {
  let build: Build | undefined;
  await expect
    .poll(
      async () => {
        const response = await api('GET', `/v2/sourcecontrol/builds/${buildId}`);
        expect(response.statusCode, response.body).toBe(200);
        build = response.json();
        return build!.state;
      },
      { timeout: 60_000, interval: 100 },
    )
    .toMatch(/^(succeeded|failed)$/);
  return build!;
}

/** POST /v2/sourcecontrol/build: 202 with the queued build, then its end. */
async function build(body: Record<string, unknown>): Promise<Build> {
  const queued = await api('POST', '/v2/sourcecontrol/build', body);
  expect(queued.statusCode, queued.body).toBe(202);
  expect(queued.json()).toMatchObject({ state: 'queued', status_url: expect.stringMatching(new RegExp(`/v2/sourcecontrol/builds/${queued.json().build_id}$`)) });
  return ended(queued.json().build_id);
}

const listing = (extra: Record<string, unknown> = {}) => ({
  name: 'From git',
  type: 'internal',
  repository_url: pathToFileURL(bare).href,
  repository_path: 'integ',
  repository_tracking_branch: 'main',
  ...extra,
});

async function releaseRows() {
  const { rows } = await stack.db.query<{ num_id: string; version: string; archive: Buffer; pandium_yaml: string }>(
    `SELECT r.num_id, r.version, r.archive, r.pandium_yaml FROM releases r JOIN integrations i ON i.id = r.integration_id
      WHERE i.account_id = $1 AND i.slug = $2 ORDER BY r.created_at`,
    [stack.accountId, SLUG],
  );
  return rows;
}

/** The file names and contents of a stored release archive. */
async function unpack(archive: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry(entry) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          if (entry.type === 'File') files[entry.path] = Buffer.concat(chunks).toString('utf8');
        });
      },
    });
    parser.on('end', resolve);
    parser.on('error', reject);
    parser.end(archive);
  });
  return files;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-git-test-'));
  await chmod(tmp, 0o755);
  work = path.join(tmp, 'work');
  bare = path.join(tmp, 'repo.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await mkdir(work);
  git(work, 'init', '-q', '-b', 'main');
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    listen: false,
    config: { sourceControl: { allowFile: true, fetchTimeoutMs: 120_000, fetchMaxBytes: 64 * 1024 * 1024, buildConcurrency: 1, buildLeaseMs: 2_000 } },
    // The build worker alone, one build at a time.
    runEngine: { worker: false, scheduler: false, notifications: false, retention: false, builds: true },
  });
});

afterAll(async () => {
  await stack?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the repository fields of an integration', () => {
  it('are saved by PUT and read back', async () => {
    const saved = await api('PUT', `/v2/integrations/${SLUG}`, listing());
    expect(saved.statusCode, saved.body).toBe(200);
    const read = await api('GET', `/v2/integrations/${SLUG}`);
    expect(read.json()).toMatchObject({ repository_url: pathToFileURL(bare).href, repository_path: 'integ', repository_tracking_branch: 'main' });
  });

  it.each([
    ['repository_path', { repository_path: '../../etc' }, 'PAN_ERR_SOURCE_PATH_INVALID'],
    ['repository_path', { repository_path: '/abs' }, 'PAN_ERR_SOURCE_PATH_INVALID'],
    ['repository_url', { repository_url: 'ext::sh -c touch% /tmp/pwned' }, 'PAN_ERR_SOURCE_REPOSITORY_URL_INVALID'],
    ['repository_url', { repository_url: 'ssh://git@example.com/x.git' }, 'PAN_ERR_SOURCE_REPOSITORY_URL_INVALID'],
    ['repository_url', { repository_url: 'https://user:token@example.com/x.git' }, 'PAN_ERR_SOURCE_REPOSITORY_URL_INVALID'],
    ['repository_url', { repository_url: 'https://127.0.0.1/x.git' }, 'PAN_ERR_EGRESS_REFUSED'],
    ['repository_tracking_branch', { repository_tracking_branch: '--upload-pack=x' }, 'PAN_ERR_REQUEST_INVALID'],
  ])('refuse a bad %s (%j) with %s, storing nothing', async (_field, extra, code) => {
    const response = await api('PUT', `/v2/integrations/${SLUG}-bad`, listing(extra));
    expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.json().code).toBe(code);
    const { rows } = await stack.db.query('SELECT 1 FROM integrations WHERE slug = $1', [`${SLUG}-bad`]);
    expect(rows).toEqual([]);
  });
});

describe('POST /v2/sourcecontrol/build', () => {
  it('builds a release named by the tag from repository_path at that tag, once', async () => {
    const head = await commit({ 'integ/PANDIUM.yaml': VALID_YAML, 'integ/index.js': 'console.log("v1")\n', 'README.md': 'not packed\n' }, { tag: 'v1.0.0' });
    // Pandium's body: the integration's integer id.
    const integrationId = Number((await stack.db.query<{ num_id: string }>('SELECT num_id FROM integrations WHERE account_id = $1 AND slug = $2', [stack.accountId, SLUG])).rows[0]!.num_id);
    const built = await build({ tag: 'v1.0.0', integration_id: integrationId });
    expect(built).toMatchObject({ state: 'succeeded', commit: head, ref: 'v1.0.0', error: null, release: { version: 'v1.0.0', created: true, is_default: true } });

    const rows = await releaseRows();
    expect(rows.map((r) => r.version)).toEqual(['v1.0.0']);
    expect(built.release!.id).toBe(Number(rows[0]!.num_id));
    // Pandium's IntegrationRelease: built from a tag, so no tracking branch; (ours) where it came from.
    const release = await api('GET', `/v2/integrations/${integrationId}/releases/${built.release!.id}`);
    expect(release.json()).toMatchObject({ run_command: 'node index.js', repository_tracking_branch: null, source_ref: 'v1.0.0', source_commit: head });
    expect(rows[0]!.pandium_yaml).toBe(VALID_YAML);
    // Only the integration's directory, at the archive's root.
    expect(await unpack(rows[0]!.archive)).toEqual({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v1")\n' });
    expect(gunzipSync(rows[0]!.archive).length).toBeGreaterThan(0);

    // The same tag again packs to the same bytes: the same release. (By slug: ours.)
    const again = await build({ tag: 'v1.0.0', integration_id: SLUG });
    expect(again).toMatchObject({ state: 'succeeded', release: { id: built.release!.id, created: false } });
    expect((await releaseRows()).length).toBe(1);
  });

  it('answers an invalid PANDIUM.yaml with file:line:col and stores nothing', async () => {
    await commit({ 'integ/PANDIUM.yaml': `${VALID_YAML}schedule: every tuesday\nrun: 12\n` }, { tag: 'broken' });
    const failed = await build({ tag: 'broken', integration_id: SLUG });
    expect(failed).toMatchObject({ state: 'failed', release: null, error: { code: 'PAN_ERR_RELEASE_INVALID_PANDIUM_YAML' } });
    expect(failed.error!.message).toMatch(/^integ\/PANDIUM\.yaml:\d+:\d+: /m);
    expect((await releaseRows()).map((r) => r.version)).toEqual(['v1.0.0']);
    await commit({ 'integ/PANDIUM.yaml': VALID_YAML });
  });

  it('fails a build of an unknown tag with PAN_ERR_SOURCE_REF_NOT_FOUND', async () => {
    expect(await build({ tag: 'v9.9.9', integration_id: SLUG })).toMatchObject({ state: 'failed', error: { code: 'PAN_ERR_SOURCE_REF_NOT_FOUND' } });
  });

  it('refuses a tag that could be read as an option', async () => {
    const response = await api('POST', '/v2/sourcecontrol/build', { tag: '--upload-pack=touch /tmp/x', integration_id: SLUG });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
  });

  it('refuses a repository_path that leaves the checkout, stored or through a link', async () => {
    const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM integrations WHERE slug = $1', [SLUG]);
    try {
      // Written past the API's check, as an older row might hold it.
      await stack.db.query("UPDATE integrations SET repository_path = '../..' WHERE id = $1", [rows[0]!.id]);
      const escaped = await api('POST', '/v2/sourcecontrol/build', { tag: 'v1.0.0', integration_id: SLUG });
      expect(escaped.statusCode, escaped.body).toBe(422);
      expect(escaped.json().code).toBe('PAN_ERR_SOURCE_PATH_INVALID');

      await symlink('..', path.join(work, 'up'));
      await commit({}, { tag: 'with-link' });
      await stack.db.query("UPDATE integrations SET repository_path = 'up' WHERE id = $1", [rows[0]!.id]);
      expect(await build({ tag: 'with-link', integration_id: SLUG })).toMatchObject({ state: 'failed', error: { code: 'PAN_ERR_SOURCE_PATH_INVALID' } });
    } finally {
      await stack.db.query("UPDATE integrations SET repository_path = 'integ' WHERE id = $1", [rows[0]!.id]);
    }
    expect((await releaseRows()).map((r) => r.version)).toEqual(['v1.0.0']);
  });

  it('answers 404 for another account\'s or an unknown integration', async () => {
    const response = await api('POST', '/v2/sourcecontrol/build', { tag: 'v1.0.0', integration_id: 'no-such-integration' });
    expect(response.statusCode).toBe(404);
    const { rows } = await stack.db.query<{ max: string }>('SELECT max(num_id) AS max FROM integrations');
    const nobodys = await api('POST', '/v2/sourcecontrol/build', { tag: 'v1.0.0', integration_id: Number(rows[0]!.max) + 1 });
    expect(nobodys.statusCode).toBe(404);
    expect(nobodys.json().code).toBe(response.json().code);
  });

  it('answers 422 PAN_ERR_SOURCE_NO_REPOSITORY for an integration without a repository', async () => {
    expect((await api('PUT', '/v2/integrations/no-repo', { name: 'No repo', type: 'internal' })).statusCode).toBe(200);
    const response = await api('POST', '/v2/sourcecontrol/build', { tag: 'v1.0.0', integration_id: 'no-repo' });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().code).toBe('PAN_ERR_SOURCE_NO_REPOSITORY');
  });

  it("answers 404 for another account's build and an unknown one", async () => {
    const { rows } = await stack.db.query<{ id: string }>('SELECT id FROM release_builds LIMIT 1');
    const other = await createOtherAccount(stack);
    const otherKey = await createApiKey(stack.db, other.id, 'other');
    const theirs = await stack.app.inject({ method: 'GET', url: `/v2/sourcecontrol/builds/${rows[0]!.id}`, headers: { 'x-api-key': otherKey } });
    expect(theirs.statusCode).toBe(404);
    const unknown = await api('GET', '/v2/sourcecontrol/builds/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(theirs.json().code).toBe(unknown.json().code);
  });

  it('builds one at a time at a concurrency of 1, in the order queued', async () => {
    await commit({ 'integ/PANDIUM.yaml': VALID_YAML, 'integ/index.js': 'console.log("c")\n' }, { tag: 'c1' });
    await commit({ 'integ/index.js': 'console.log("c2")\n' }, { tag: 'c2' });
    await commit({ 'integ/index.js': 'console.log("c3")\n' }, { tag: 'c3' });
    const queued = await Promise.all(['c1', 'c2', 'c3'].map((tag) => api('POST', '/v2/sourcecontrol/build', { tag, integration_id: SLUG })));
    const ids = queued.map((r) => r.json().build_id as string);
    for (const id of ids) expect((await ended(id)).state).toBe('succeeded');
    const { rows } = await stack.db.query<{ started_at: Date; finished_at: Date }>(
      'SELECT started_at, finished_at FROM release_builds WHERE id = ANY($1) ORDER BY started_at',
      [ids],
    );
    // Each started after the one before it had finished.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.started_at.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.finished_at.getTime());
  });

  it('claims again a build whose process died (its lease ran out), and fails one that died too often', async () => {
    const { rows: integration } = await stack.db.query<{ id: string }>('SELECT id FROM integrations WHERE account_id = $1 AND slug = $2', [stack.accountId, SLUG]);
    // As a worker that claimed them and then died leaves them: running, under a lease already over.
    const { rows } = await stack.db.query<{ id: string; attempts: number }>(
      `INSERT INTO release_builds (account_id, integration_id, ref, version, state, attempts, worker_id, lease_expires_at, started_at)
       VALUES ($1, $2, 'v1.0.0', 'v1.0.0', 'running', 1, 'build-dead', now() - interval '1 second', now()),
              ($1, $2, 'v1.0.0', 'v1.0.0', 'running', 3, 'build-dead', now() - interval '1 second', now())
       RETURNING id, attempts`,
      [stack.accountId, integration[0]!.id],
    );
    stack.engine!.builds!.wake();
    const reclaimed = await ended(rows[0]!.id);
    expect(reclaimed).toMatchObject({ state: 'succeeded', attempts: 2, release: { version: 'v1.0.0' } });
    const given = await ended(rows[1]!.id);
    expect(given).toMatchObject({ state: 'failed', attempts: 3, release: null });
    expect(given.error!.message).toMatch(/stopped 3 times/);
  });
});

describe('POST /webhooks/sourcecontrol/<token>', () => {
  let hookPath: string;
  let secret: string;

  beforeAll(async () => {
    const made = await api('POST', `/v2/integrations/${SLUG}/sourcecontrol/webhook`);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.headers['cache-control']).toBe('no-store');
    ({ secret } = made.json());
    hookPath = new URL(made.json().webhook_url).pathname;
    expect(hookPath).toMatch(/^\/webhooks\/sourcecontrol\/[A-Za-z0-9_-]{40,}$/);
    // Kept sealed, never in clear.
    const { rows } = await stack.db.query<{ secret_sealed: Buffer }>('SELECT secret_sealed FROM source_webhooks');
    expect(rows.some((r) => r.secret_sealed.includes(Buffer.from(secret)))).toBe(false);
    expect(stack.logLines.some((l) => l.includes(secret))).toBe(false);
  });

  const sign = (body: string, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  const send = (headers: Record<string, string>, body: string) =>
    stack.app.inject({ method: 'POST', url: hookPath, headers: { 'content-type': 'application/json', ...headers }, payload: body });

  it('builds the tracking branch head on a signed GitHub push', async () => {
    const head = await commit({ 'integ/index.js': 'console.log("github")\n' });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: head, deleted: false, repository: { full_name: 'acme/x' } });
    const response = await send({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, body);
    expect(response.statusCode, response.body).toBe(202);
    const built = await ended(response.json().build_id);
    expect(built).toMatchObject({ state: 'succeeded', commit: head, release: { version: `main-${head.slice(0, 12)}`, created: true } });
    // Pandium's IntegrationRelease: built from the tracking branch.
    const release = await api('GET', `/v2/integrations/${SLUG}/releases/${built.release!.id}`);
    expect(release.json()).toMatchObject({ repository_tracking_branch: 'main', source_ref: 'main', source_commit: head });
    const rows = await releaseRows();
    expect(rows.at(-1)!.version).toBe(`main-${head.slice(0, 12)}`);
    expect((await unpack(rows.at(-1)!.archive))['index.js']).toBe('console.log("github")\n');
  });

  it('builds on a GitLab push with the right X-Gitlab-Token', async () => {
    const head = await commit({ 'integ/index.js': 'console.log("gitlab")\n' });
    const body = JSON.stringify({ object_kind: 'push', ref: 'refs/heads/main', before: '0'.repeat(40), after: head, checkout_sha: head });
    const response = await send({ 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': secret }, body);
    expect(response.statusCode, response.body).toBe(202);
    expect(await ended(response.json().build_id)).toMatchObject({ commit: head, release: { version: `main-${head.slice(0, 12)}` } });
    expect((await unpack((await releaseRows()).at(-1)!.archive))['index.js']).toBe('console.log("gitlab")\n');
  });

  it('builds on a signed Bitbucket Cloud push', async () => {
    const head = await commit({ 'integ/index.js': 'console.log("bitbucket")\n' });
    const body = JSON.stringify({ push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: head } } }] } });
    const response = await send({ 'x-event-key': 'repo:push', 'x-hub-signature': sign(body) }, body);
    expect(response.statusCode, response.body).toBe(202);
    expect(await ended(response.json().build_id)).toMatchObject({ state: 'succeeded', commit: head });
  });

  it.each([
    ['a GitHub push signed with another secret', { 'x-github-event': 'push', 'x-hub-signature-256': 'WRONG' }],
    ['an unsigned GitHub push', { 'x-github-event': 'push' }],
    ['a GitLab push with a wrong token', { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-secret' }],
    ['a Bitbucket push signed with another secret', { 'x-event-key': 'repo:push', 'x-hub-signature': 'WRONG' }],
  ])('refuses %s with 401 and builds nothing', async (_what, headers) => {
    const before = (await releaseRows()).length;
    const head = await commit({ 'integ/index.js': `console.log(${before})\n` });
    const body = JSON.stringify({ ref: 'refs/heads/main', after: head, push: { changes: [{ new: { type: 'branch', name: 'main', target: { hash: head } } }] } });
    const signed = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'WRONG' ? sign(body, 'another-secret') : v]));
    const response = await send(signed, body);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json().code).toBe('PAN_ERR_SOURCE_SIGNATURE_INVALID');
    expect((await releaseRows()).length).toBe(before);
  });

  it("answers GitHub's signed ping with 202 and the reason, and an event of no known sender with 400", async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    const ping = await send({ 'x-github-event': 'ping', 'x-hub-signature-256': sign(body) }, body);
    expect(ping.statusCode, ping.body).toBe(202);
    expect(ping.json().ignored).toMatch(/^ping events build nothing/);
    const anonymous = await send({}, body);
    expect(anonymous.statusCode).toBe(400);
    expect(anonymous.json().code).toBe('PAN_ERR_SOURCE_EVENT_UNSUPPORTED');
  });

  it('answers 202 with the reason for a push to another branch, and 404 for an unknown token', async () => {
    const head = await commit({ 'integ/index.js': 'console.log("feature")\n' }, { branch: 'feature' });
    const body = JSON.stringify({ ref: 'refs/heads/feature', after: head });
    const before = (await releaseRows()).length;
    const ignored = await send({ 'x-github-event': 'push', 'x-hub-signature-256': sign(body) }, body);
    expect(ignored.statusCode, ignored.body).toBe(202);
    expect(ignored.json().ignored).toMatch(/feature.*not the tracking branch main/);
    expect((await releaseRows()).length).toBe(before);

    const unknown = await stack.app.inject({ method: 'POST', url: '/webhooks/sourcecontrol/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', payload: body, headers: { 'x-github-event': 'push' } });
    expect(unknown.statusCode).toBe(404);
  });
});
