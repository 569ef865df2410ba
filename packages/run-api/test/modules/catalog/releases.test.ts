import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { create as createTar, Header } from 'tar';
import { packReleaseDirectory } from '../../../../cli/src/release-archive.ts';
import { createApiKey } from '../../../src/modules/accounts/api-key.ts';
import { upsertAccount } from '../../../src/modules/accounts/store.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';

/**
 * The host API (`X-API-KEY`): categories, integration listings and release uploads. Every answer
 * is checked against what PostgreSQL holds afterwards, including that a refused request stored nothing.
 */

let stack: TestStack;
let tmp: string;
/** A second account with its own key. */
const other = { id: '', apiKey: '' };

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-releases-test-'));
  other.id = await upsertAccount(stack.db, stack.box, {
    slug: `other-${randomBytes(4).toString('hex')}`,
    name: 'Other Account',
    jwtIssuer: `other-${randomBytes(4).toString('hex')}`,
    jwtAudience: stack.audience,
    jwtAlgorithms: ['HS256'],
    hs256Secret: randomBytes(32),
  });
  other.apiKey = await createApiKey(stack.db, other.id, 'other');
});

afterAll(async () => {
  await stack?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const VALID_YAML = `version: 1.0
base: node:24
build: npm ci
run: node index.js
configs:
  schema:
    type: object
    properties:
      channel:
        type: string
  uischema:
    type: VerticalLayout
    elements:
      - type: Control
        scope: '#/properties/channel'
`;

let dirCount = 0;
/** A temp integration directory with these files. */
async function integrationDir(files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, `dir-${(dirCount += 1)}`);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function pack(files: Record<string, string>): Promise<Buffer> {
  return packReleaseDirectory(await integrationDir(files));
}

/** A tar.gz written entry by entry, so entries the CLI would never make (`../evil`, links) can be sent. */
function craftTarGz(entries: { path: string; body?: string; type?: 'File' | 'SymbolicLink' | 'Directory'; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({
      path: entry.path,
      mode: entry.type === 'Directory' ? 0o755 : 0o644,
      size: entry.type === 'File' || entry.type === undefined ? body.length : 0,
      mtime: new Date(0),
      type: entry.type ?? 'File',
      ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (header.size) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** `apiKey: null` sends no X-API-KEY header. */
function put(url: string, payload: unknown, apiKey: string | null = stack.apiKey) {
  return stack.app.inject({
    method: 'PUT',
    url,
    headers: apiKey === null ? {} : { 'x-api-key': apiKey },
    payload: payload as Record<string, unknown>,
  });
}

function push(slug: string, archive: Buffer, query = '', apiKey: string | null = stack.apiKey, target = stack) {
  return target.app.inject({
    method: 'POST',
    url: `/v2/integrations/${slug}/releases${query}`,
    headers: { 'content-type': 'application/gzip', ...(apiKey === null ? {} : { 'x-api-key': apiKey }) },
    payload: archive,
  });
}

interface IntegrationRow {
  id: string;
  num_id: string;
  account_id: string;
  slug: string;
  name: string;
  type: string;
  external_url: string | null;
  logo_url: string | null;
  short_description: string;
  long_description: string;
  tags: string[];
  flag_name: string | null;
  flag_color: string | null;
  connectors: string[];
  visible_to_groups: string[];
  default_release_id: string | null;
  updated_at: Date;
  categories: string[];
}

async function integrationRow(slug: string, accountId = stack.accountId): Promise<IntegrationRow | undefined> {
  const { rows } = await stack.db.query<IntegrationRow>(
    `SELECT i.*, COALESCE((SELECT array_agg(c.slug ORDER BY c.slug) FROM integration_categories ic
                             JOIN categories c ON c.id = ic.category_id WHERE ic.integration_id = i.id), '{}') AS categories
       FROM integrations i WHERE i.account_id = $1 AND i.slug = $2`,
    [accountId, slug],
  );
  return rows[0];
}

interface ReleaseRow {
  id: string;
  num_id: string;
  account_id: string;
  version: string;
  pandium_yaml: string;
  spec: Record<string, unknown>;
  warnings: unknown[];
  archive: Buffer;
  archive_sha256: string;
}

async function releaseRows(integrationId: string): Promise<ReleaseRow[]> {
  const { rows } = await stack.db.query<ReleaseRow>(
    'SELECT id, num_id, account_id, version, pandium_yaml, spec, warnings, archive, archive_sha256 FROM releases WHERE integration_id = $1 ORDER BY created_at, version',
    [integrationId],
  );
  return rows;
}

async function countRows(table: 'releases' | 'integrations' | 'categories'): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

/** An internal integration ready for releases, created through the API: its UUID. */
async function createIntegration(slug: string): Promise<string> {
  const response = await put(`/v2/integrations/${slug}`, { name: slug, type: 'internal' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ uuid: string }>().uuid;
}

describe('PUT /v2/marketplace/categories', () => {
  it('stores the categories in the order given, then replaces them', async () => {
    const first = await put('/v2/marketplace/categories', {
      categories: [
        { slug: 'crm', name: 'CRM' },
        { slug: 'messaging', name: 'Messaging' },
        { slug: 'storage', name: 'Storage' },
      ],
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().categories).toHaveLength(3);
    const read = async () =>
      (
        await stack.db.query('SELECT slug, name, position FROM categories WHERE account_id = $1 ORDER BY position', [stack.accountId])
      ).rows;
    expect(await read()).toEqual([
      { slug: 'crm', name: 'CRM', position: 0 },
      { slug: 'messaging', name: 'Messaging', position: 1 },
      { slug: 'storage', name: 'Storage', position: 2 },
    ]);

    const second = await put('/v2/marketplace/categories', {
      categories: [
        { slug: 'storage', name: 'Files & Storage' },
        { slug: 'crm', name: 'CRM' },
        { slug: 'marketing', name: 'Marketing' },
      ],
    });
    expect(second.statusCode).toBe(200);
    expect(await read()).toEqual([
      { slug: 'storage', name: 'Files & Storage', position: 0 },
      { slug: 'crm', name: 'CRM', position: 1 },
      { slug: 'marketing', name: 'Marketing', position: 2 },
    ]);
  });

  it('refuses a category slug that is not a slug, and keeps the stored ones', async () => {
    const before = await countRows('categories');
    const response = await put('/v2/marketplace/categories', { categories: [{ slug: 'Bad Slug', name: 'Bad' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    expect(await countRows('categories')).toBe(before);
  });

  it('leaves another account\'s categories alone', async () => {
    const response = await put('/v2/marketplace/categories', { categories: [{ slug: 'theirs', name: 'Theirs' }] }, other.apiKey);
    expect(response.statusCode).toBe(200);
    const { rows } = await stack.db.query('SELECT account_id, slug FROM categories WHERE slug = $1', ['theirs']);
    expect(rows).toEqual([{ account_id: other.id, slug: 'theirs' }]);
    const ours = await stack.db.query('SELECT slug FROM categories WHERE account_id = $1 ORDER BY position', [stack.accountId]);
    expect(ours.rows.map((r) => r.slug)).toEqual(['storage', 'crm', 'marketing']);
  });
});

describe('PUT /v2/integrations/:slug', () => {
  const listing = {
    name: 'HubSpot Contacts',
    type: 'internal',
    logo_url: 'https://cdn.example/hubspot.svg',
    short_description: 'Sync contacts.',
    long_description: 'Keeps contacts in step.\n\nEvery hour.',
    categories: ['crm'],
    tags: ['contacts', 'two-way'],
    flag: { name: 'Popular', color: '#b45309' },
    connectors: ['hubspot'],
    visible_to_groups: ['sales'],
  };

  it('creates the listing', async () => {
    const response = await put('/v2/integrations/hubspot-contacts', listing);
    expect(response.statusCode, response.body).toBe(200);
    const { id, uuid, slug } = response.json<{ id: number; uuid: string; slug: string }>();
    expect(slug).toBe('hubspot-contacts');
    expect(await integrationRow('hubspot-contacts')).toMatchObject({
      id: uuid,
      num_id: String(id),
      account_id: stack.accountId,
      name: 'HubSpot Contacts',
      type: 'internal',
      external_url: null,
      logo_url: 'https://cdn.example/hubspot.svg',
      short_description: 'Sync contacts.',
      long_description: 'Keeps contacts in step.\n\nEvery hour.',
      tags: ['contacts', 'two-way'],
      flag_name: 'Popular',
      flag_color: '#b45309',
      connectors: ['hubspot'],
      visible_to_groups: ['sales'],
      default_release_id: null,
      categories: ['crm'],
    });
  });

  it('updates it in place (same id), replacing categories and clearing the flag', async () => {
    const before = (await integrationRow('hubspot-contacts'))!;
    const response = await put('/v2/integrations/hubspot-contacts', {
      ...listing,
      name: 'HubSpot',
      categories: ['storage', 'marketing'],
      flag: null,
      visible_to_groups: [],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: Number(before.num_id), uuid: before.id });
    const after = (await integrationRow('hubspot-contacts'))!;
    expect(after).toMatchObject({
      id: before.id,
      name: 'HubSpot',
      flag_name: null,
      flag_color: null,
      visible_to_groups: [],
      categories: ['marketing', 'storage'],
    });
    expect(after.updated_at.getTime()).toBeGreaterThanOrEqual(before.updated_at.getTime());
    const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations WHERE account_id = $1 AND slug = $2', [
      stack.accountId,
      'hubspot-contacts',
    ]);
    expect(rows[0]!.n).toBe(1);
  });

  it('an unknown category on an existing listing is 422 and changes nothing', async () => {
    const before = (await integrationRow('hubspot-contacts'))!;
    const response = await put('/v2/integrations/hubspot-contacts', {
      ...listing,
      name: 'Renamed, should not stick',
      tags: ['changed'],
      categories: ['crm', 'no-such-category'],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      statusCode: 422,
      code: 'PAN_ERR_INTEGRATION_UNKNOWN_CATEGORY',
      unknown_categories: ['no-such-category'],
    });
    expect(await integrationRow('hubspot-contacts')).toEqual(before);
  });

  it('an unknown category on a new listing is 422 and stores no row', async () => {
    const before = await countRows('integrations');
    const response = await put('/v2/integrations/never-stored', { name: 'Never', type: 'internal', categories: ['nope'] });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('PAN_ERR_INTEGRATION_UNKNOWN_CATEGORY');
    expect(await integrationRow('never-stored')).toBeUndefined();
    expect(await countRows('integrations')).toBe(before);
  });

  it('an external listing needs an external_url (422, nothing stored)', async () => {
    const response = await put('/v2/integrations/zapier', { name: 'Zapier', type: 'external' });
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('PAN_ERR_INTEGRATION_EXTERNAL_URL_REQUIRED');
    expect(await integrationRow('zapier')).toBeUndefined();

    const ok = await put('/v2/integrations/zapier', { name: 'Zapier', type: 'external', external_url: 'https://zapier.com/apps/x' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await integrationRow('zapier')).toMatchObject({ type: 'external', external_url: 'https://zapier.com/apps/x' });
  });

  it('an internal listing drops any external_url', async () => {
    const response = await put('/v2/integrations/internal-with-url', { name: 'X', type: 'internal', external_url: 'https://x.example' });
    expect(response.statusCode).toBe(200);
    expect((await integrationRow('internal-with-url'))!.external_url).toBeNull();
  });

  it('refuses unknown fields and bad values (400), storing nothing', async () => {
    const before = await countRows('integrations');
    for (const body of [
      { name: 'X', type: 'internal', surprise: true },
      { name: 'X', type: 'plugin' },
      { name: 'X', type: 'internal', flag: { name: 'F', color: 'red; background: url(x)' } },
      { name: 'X', type: 'external', external_url: 'javascript:alert(1)' },
    ]) {
      const response = await put('/v2/integrations/refused', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
    }
    expect(await countRows('integrations')).toBe(before);
  });

  it('another account\'s key writes its own listing, never this account\'s', async () => {
    const ours = (await integrationRow('hubspot-contacts'))!;
    const response = await put('/v2/integrations/hubspot-contacts', { name: 'Theirs', type: 'internal' }, other.apiKey);
    expect(response.statusCode).toBe(200);
    expect(response.json().uuid).not.toBe(ours.id);
    expect(response.json().id).not.toBe(Number(ours.num_id));
    expect(await integrationRow('hubspot-contacts')).toEqual(ours);
    expect(await integrationRow('hubspot-contacts', other.id)).toMatchObject({ name: 'Theirs', account_id: other.id });
  });
});

describe('POST /v2/integrations/:slug/releases', () => {
  let integrationId: string;
  let firstArchive: Buffer;
  let firstReleaseId: string;

  beforeAll(async () => {
    integrationId = await createIntegration('release-target');
  });

  it('stores a valid release as r1 and makes it the default (201)', async () => {
    firstArchive = await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v1")\n' });
    const response = await push('release-target', firstArchive);
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({ version: 'r1', created: true, is_default: true, warnings: [] });
    firstReleaseId = body.uuid;

    const rows = await releaseRows(integrationId);
    expect(rows).toHaveLength(1);
    expect(body.id).toBe(Number(rows[0]!.num_id));
    expect(rows[0]).toMatchObject({
      id: firstReleaseId,
      account_id: stack.accountId,
      version: 'r1',
      pandium_yaml: VALID_YAML,
      spec: { version: '1.0', base: 'node:24', build: 'npm ci', run: 'node index.js' },
      warnings: [],
      archive_sha256: createHash('sha256').update(firstArchive).digest('hex'),
    });
    expect(rows[0]!.archive.equals(firstArchive)).toBe(true);
    expect((await integrationRow('release-target'))!.default_release_id).toBe(firstReleaseId);
  });

  it('the same content again is a no-op (200, created false, no new row)', async () => {
    const again = await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v1")\n' });
    expect(again.equals(firstArchive)).toBe(true); // the CLI packs deterministically
    const response = await push('release-target', again);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ uuid: firstReleaseId, version: 'r1', created: false, is_default: true });
    expect(await releaseRows(integrationId)).toHaveLength(1);
  });

  it('pushing by integration id (integer, or the UUID) works too', async () => {
    const response = await push(integrationId, firstArchive);
    expect(response.statusCode).toBe(200);
    expect(response.json().uuid).toBe(firstReleaseId);
    const byInteger = await push(String((await integrationRow('release-target'))!.num_id), firstArchive);
    expect(byInteger.statusCode, byInteger.body).toBe(200);
    expect(byInteger.json().uuid).toBe(firstReleaseId);
  });

  it('new content is r2 and becomes the default', async () => {
    const response = await push('release-target', await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v2")\n' }));
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ version: 'r2', created: true, is_default: true });
    const rows = await releaseRows(integrationId);
    expect(rows.map((r) => r.version)).toEqual(['r1', 'r2']);
    expect((await integrationRow('release-target'))!.default_release_id).toBe(response.json().uuid);
  });

  it('an explicit ?version= is kept; the same version with other content is 409', async () => {
    const v = await push('release-target', await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v3")\n' }), '?version=1.2.0');
    expect(v.statusCode, v.body).toBe(201);
    expect(v.json()).toMatchObject({ version: '1.2.0', created: true });

    const conflict = await push('release-target', await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("v4")\n' }), '?version=1.2.0');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ statusCode: 409, code: 'PAN_ERR_RELEASE_VERSION_EXISTS' });
    const rows = await releaseRows(integrationId);
    expect(rows.map((r) => r.version)).toEqual(['r1', 'r2', '1.2.0']);
    expect((await integrationRow('release-target'))!.default_release_id).toBe(v.json().uuid);
  });

  it('a bad ?version= is 400', async () => {
    const response = await push('release-target', firstArchive, '?version=has%20space');
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_INVALID');
  });

  it('an automatic version skips a number already taken by an explicit ?version=rN', async () => {
    const id = await createIntegration('numbering');
    const explicit = await push('numbering', await pack({ 'PANDIUM.yaml': VALID_YAML, 'a.js': '1' }), '?version=r2');
    expect(explicit.statusCode, explicit.body).toBe(201);
    const first = await push('numbering', await pack({ 'PANDIUM.yaml': VALID_YAML, 'a.js': '2' }));
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().version).toBe('r3');
    expect((await releaseRows(id)).map((r) => r.version)).toEqual(['r2', 'r3']);
  });

  it('make_default=false stores the release without moving the default', async () => {
    const defaultBefore = (await integrationRow('release-target'))!.default_release_id;
    const response = await push(
      'release-target',
      await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'console.log("candidate")\n' }),
      '?make_default=false',
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ created: true, is_default: false });
    expect((await releaseRows(integrationId)).map((r) => r.id)).toContain(response.json().uuid);
    expect((await integrationRow('release-target'))!.default_release_id).toBe(defaultBefore);
  });

  it('the first release becomes the default even with make_default=false', async () => {
    await createIntegration('first-default');
    const response = await push('first-default', await pack({ 'PANDIUM.yaml': VALID_YAML }), '?make_default=false');
    expect(response.statusCode).toBe(201);
    expect(response.json().is_default).toBe(true);
    expect((await integrationRow('first-default'))!.default_release_id).toBe(response.json().uuid);
  });

  it('keeps the parser\'s warnings on the release', async () => {
    const id = await createIntegration('with-warnings');
    const yaml = `${VALID_YAML.replace('base: node:24', 'base: Node')}`;
    const response = await push('with-warnings', await pack({ 'PANDIUM.yaml': yaml }));
    expect(response.statusCode, response.body).toBe(201);
    const rows = await releaseRows(id);
    expect(rows).toHaveLength(1);
    expect(response.json().warnings).toHaveLength(rows[0]!.warnings.length);
    for (const line of response.json().warnings as string[]) expect(line).toMatch(/^PANDIUM\.yaml:\d+:\d+/);
  });

  describe('refused archives store nothing', () => {
    let before: number;
    let defaultBefore: string | null;
    beforeAll(async () => {
      before = (await releaseRows(integrationId)).length;
      defaultBefore = (await integrationRow('release-target'))!.default_release_id;
    });
    const unchanged = async () => {
      expect(await releaseRows(integrationId)).toHaveLength(before);
      expect((await integrationRow('release-target'))!.default_release_id).toBe(defaultBefore);
    };

    it('an invalid PANDIUM.yaml is 422 with line and column per error', async () => {
      const archive = await pack({ 'PANDIUM.yaml': 'version: 1.0\nbase: node:24\nrunn: node index.js\n' });
      const response = await push('release-target', archive);
      expect(response.statusCode).toBe(422);
      const body = response.json();
      expect(body.code).toBe('PAN_ERR_RELEASE_INVALID_PANDIUM_YAML');
      expect(body.errors.length).toBeGreaterThan(0);
      for (const error of body.errors) {
        expect(error).toEqual({ line: expect.any(Number), col: expect.any(Number), path: expect.any(String), message: expect.any(String) });
      }
      expect(body.errors).toContainEqual(expect.objectContaining({ line: 3, col: 1, path: 'runn' }));
      expect(body.message).toContain('PANDIUM.yaml:3:1');
      await unchanged();
    });

    it('malformed YAML is 422 with a position', async () => {
      const response = await push('release-target', await pack({ 'PANDIUM.yaml': 'run: [\n' }));
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('PAN_ERR_RELEASE_INVALID_PANDIUM_YAML');
      expect(response.json().errors[0].line).toBeGreaterThan(0);
      await unchanged();
    });

    it('an archive without PANDIUM.yaml is 422', async () => {
      const dir = await integrationDir({ 'index.js': 'console.log(1)\n', 'sub/PANDIUM.yaml': VALID_YAML });
      const chunks: Buffer[] = [];
      for await (const chunk of createTar({ gzip: true, cwd: dir, portable: true }, ['index.js', 'sub/PANDIUM.yaml'])) {
        chunks.push(chunk as Buffer);
      }
      const response = await push('release-target', Buffer.concat(chunks));
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_RELEASE_BAD_ARCHIVE', message: expect.stringContaining('PANDIUM.yaml') });
      await unchanged();
    });

    it('a body that is not a tar.gz is 422', async () => {
      for (const body of [Buffer.from('this is not an archive at all'), randomBytes(2048), gzipSync(Buffer.from('plain text, gzipped'))]) {
        const response = await push('release-target', body);
        expect(response.statusCode).toBe(422);
        expect(response.json().code).toBe('PAN_ERR_RELEASE_BAD_ARCHIVE');
      }
      await unchanged();
    });

    it('an empty body is 400', async () => {
      const response = await push('release-target', Buffer.alloc(0));
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toMatch(/^PAN_ERR_/);
      await unchanged();
    });

    it('the crafted helper makes archives the server accepts (control)', async () => {
      const id = await createIntegration('crafted-control');
      const response = await push('crafted-control', craftTarGz([{ path: 'PANDIUM.yaml', body: VALID_YAML }, { path: 'index.js', body: '1' }]));
      expect(response.statusCode, response.body).toBe(201);
      expect(await releaseRows(id)).toHaveLength(1);
    });

    it.each([
      { name: 'a ../ entry', entry: { path: '../evil', body: 'pwned' } },
      { name: 'a nested ../ entry', entry: { path: 'lib/../../evil', body: 'pwned' } },
      { name: 'an absolute path', entry: { path: '/etc/evil', body: 'pwned' } },
      { name: 'a symbolic link', entry: { path: 'link', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' } },
    ])('$name is 422 PAN_ERR_RELEASE_BAD_ARCHIVE', async ({ entry }) => {
      const archive = craftTarGz([{ path: 'PANDIUM.yaml', body: VALID_YAML }, entry]);
      const response = await push('release-target', archive);
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('PAN_ERR_RELEASE_BAD_ARCHIVE');
      await unchanged();
    });

    it('a ../ entry written by tar.create is refused too', async () => {
      const dir = await integrationDir({ 'inner/PANDIUM.yaml': VALID_YAML, 'evil': 'pwned' });
      const chunks: Buffer[] = [];
      for await (const chunk of createTar({ gzip: true, cwd: path.join(dir, 'inner'), preservePaths: true }, ['PANDIUM.yaml', '../evil'])) {
        chunks.push(chunk as Buffer);
      }
      const response = await push('release-target', Buffer.concat(chunks));
      expect(response.statusCode).toBe(422);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_RELEASE_BAD_ARCHIVE', message: expect.stringContaining('../evil') });
      await unchanged();
    });

    it('an unknown integration is 404', async () => {
      const response = await push('no-such-integration', firstArchive);
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('PAN_ERR_NOT_FOUND');
      await unchanged();
    });

    it('no API key or a wrong one is 401 PAN_ERR_AUTH_API_KEY_INVALID', async () => {
      const fresh = await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'unauthenticated' });
      for (const key of [null, '', 'pan_wrong', `${stack.apiKey}x`]) {
        const response = await push('release-target', fresh, '', key);
        expect(response.statusCode).toBe(401);
        expect(response.json().code).toBe('PAN_ERR_AUTH_API_KEY_INVALID');
        const listing = await put('/v2/integrations/release-target', { name: 'Hijacked', type: 'internal' }, key);
        expect(listing.statusCode).toBe(401);
        expect(listing.json().code).toBe('PAN_ERR_AUTH_API_KEY_INVALID');
      }
      expect((await integrationRow('release-target'))!.name).toBe('release-target');
      await unchanged();
    });

    it('a revoked key is 401', async () => {
      const key = await createApiKey(stack.db, stack.accountId, 'to-revoke');
      await stack.db.query('UPDATE api_keys SET revoked_at = now() WHERE account_id = $1 AND name = $2', [stack.accountId, 'to-revoke']);
      const response = await push('release-target', await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'revoked' }), '', key);
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('PAN_ERR_AUTH_API_KEY_INVALID');
      await unchanged();
    });

    it('another account\'s key cannot push to this account\'s integration (404 by slug and by id)', async () => {
      const theirs = await pack({ 'PANDIUM.yaml': VALID_YAML, 'index.js': 'from the other account' });
      for (const target of ['release-target', integrationId]) {
        const response = await push(target, theirs, '', other.apiKey);
        expect(response.statusCode).toBe(404);
        expect(response.json().code).toBe('PAN_ERR_NOT_FOUND');
      }
      const { rows } = await stack.db.query<{ n: number }>('SELECT count(*)::int AS n FROM releases WHERE account_id = $1', [other.id]);
      expect(rows[0]!.n).toBe(0);
      await unchanged();
    });
  });
});

describe('release body limit', () => {
  let small: TestStack;
  beforeAll(async () => {
    small = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, config: { releaseBodyLimit: 1024 } });
    const response = await small.app.inject({
      method: 'PUT',
      url: '/v2/integrations/limited',
      headers: { 'x-api-key': small.apiKey },
      payload: { name: 'Limited', type: 'internal' },
    });
    expect(response.statusCode).toBe(200);
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('a release over the limit is 413 PAN_ERR_REQUEST_TOO_LARGE and stores nothing', async () => {
    // Random bytes do not compress: the archive ends up well over 1 KiB.
    const archive = await pack({ 'PANDIUM.yaml': VALID_YAML, 'blob.bin': randomBytes(4096).toString('base64') });
    expect(archive.length).toBeGreaterThan(1024);
    const response = await push('limited', archive, '', small.apiKey, small);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAN_ERR_REQUEST_TOO_LARGE' });
    const { rows } = await small.db.query<{ n: number }>('SELECT count(*)::int AS n FROM releases');
    expect(rows[0]!.n).toBe(0);
  });

  it('a release under the limit is accepted (control)', async () => {
    const archive = await pack({ 'PANDIUM.yaml': VALID_YAML });
    expect(archive.length).toBeLessThan(1024);
    const response = await push('limited', archive, '', small.apiKey, small);
    expect(response.statusCode, response.body).toBe(201);
    const { rows } = await small.db.query<{ n: number }>('SELECT count(*)::int AS n FROM releases');
    expect(rows[0]!.n).toBe(1);
  });
});
