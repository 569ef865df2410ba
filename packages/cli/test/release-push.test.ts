import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../../run-api/test/support/index.ts';

/** `pan release push` against a real run API: what the command prints and what the database holds. */

const panBin = fileURLToPath(new URL('../bin/pan.js', import.meta.url));
const demoIntegration = fileURLToPath(new URL('../../../demo/integrations/hubspot-contacts', import.meta.url));

let stack: TestStack;
let workDir: string;

function pan(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [panBin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true });
  // The demo integration's release names this connector: it must be defined first.
  const defined = await stack.app.inject({
    method: 'PUT',
    url: '/v2/connectors/hubspot',
    headers: { 'x-api-key': stack.apiKey },
    payload: { type: 'api_key', display_name: 'HubSpot', fields: [{ name: 'private_app_token', label: 'Private app token' }] },
  });
  if (defined.statusCode !== 200) throw new Error(defined.body);
  workDir = mkdtempSync(path.join(tmpdir(), 'pan-push-'));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const releasesOf = async (slug: string) =>
  (
    await stack.db.query<{ version: string; is_default: boolean }>(
      `SELECT r.version, i.default_release_id = r.id AS is_default
         FROM releases r JOIN integrations i ON i.id = r.integration_id
        WHERE i.slug = $1 AND i.account_id = $2 ORDER BY r.created_at`,
      [slug, stack.accountId],
    )
  ).rows;

describe('pan release push', () => {
  it('uploads a directory as the default release, and a second push of the same content is a no-op', async () => {
    const env = { PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey };
    const first = await pan(env, 'release', 'push', demoIntegration, '--integration', 'hubspot-contacts');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Pushed release r1 \(.+\) of hubspot-contacts, now the default\n$/);

    const again = await pan(env, 'release', 'push', demoIntegration, '--integration', 'hubspot-contacts');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Already pushed release r1/);
    expect(await releasesOf('hubspot-contacts')).toEqual([{ version: 'r1', is_default: true }]);
  });

  it('refuses an invalid PANDIUM.yaml with its line and column, exit 1, nothing stored', async () => {
    const dir = path.join(workDir, 'broken');
    cpSync(demoIntegration, dir, { recursive: true });
    writeFileSync(path.join(dir, 'PANDIUM.yaml'), 'version: 0.4\nbase: node:20\nrnu: node index.mjs\n');
    const run = await pan({ PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey }, 'release', 'push', dir, '--integration', 'slack-alerts');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('422 PAN_ERR_RELEASE_INVALID_PANDIUM_YAML');
    expect(run.stderr).toMatch(/PANDIUM\.yaml:3:1: .*did you mean .*run/);
    expect(await releasesOf('slack-alerts')).toEqual([]);
  });

  it('needs an API key (exit 2) and a valid one (exit 3 with the server\'s code)', async () => {
    const missing = await pan({ PAN_API_BASE: stack.apiBase }, 'release', 'push', demoIntegration, '--integration', 'slack-alerts');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('PAN_API_KEY');
    const wrong = await pan({ PAN_API_BASE: stack.apiBase, PAN_API_KEY: 'pan_wrong' }, 'release', 'push', demoIntegration, '--integration', 'slack-alerts');
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('401 PAN_ERR_AUTH_API_KEY_INVALID');
  });

  it('says which integration does not exist', async () => {
    const run = await pan({ PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey }, 'release', 'push', demoIntegration, '--integration', 'nope');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('404 PAN_ERR_NOT_FOUND');
  });

  it('reports an unreachable server as exit 3', async () => {
    const run = await pan({ PAN_API_BASE: 'http://127.0.0.1:9', PAN_API_KEY: stack.apiKey }, 'release', 'push', demoIntegration, '--integration', 'x');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot reach http://127.0.0.1:9');
  });
});
