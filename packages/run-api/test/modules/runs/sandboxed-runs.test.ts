import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { liveProcessesWith, processMarker } from '../runner/helpers.ts';
import { endUserToken, install, logLines, runNow, scriptIntegration } from './run-support.ts';

/**
 * The hostile integration of the runner's sandbox tests (fixtures/hostile), as a release run by
 * the real run engine (the server's executor, sandbox on by default) on a tenant: it must get
 * nothing of the data directory, of another release, of the server.
 */
const HOSTILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../runner/fixtures/hostile/index.js');
const SETTINGS = ['server_pid', 'other_run_file', 'other_release_file', 'other_release_dir', 'secret_file', 'marker'];
const PANDIUM_YAML = `version: 0.4
base: node:20
run: node index.js
configs:
  schema:
    type: object
    properties:
${SETTINGS.map((name) => `      ${name}: { type: string }`).join('\n')}
  uischema:
    type: VerticalLayout
    elements:
${SETTINGS.map((name) => `      - { type: Control, scope: '#/properties/${name}' }`).join('\n')}
`;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), runEngine: true, listen: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('a hostile release run by the engine', () => {
  it('gets nothing of the data directory, of another release or of the server; leaves nothing running', async () => {
    const dataDir = stack.config.dataDir;
    // What the server keeps beside runs and releases, readable by anyone: only the sandbox stops the script.
    await writeFile(path.join(dataDir, 'secret.keys'), 'SECRET-KEY-CANARY', { mode: 0o644 });
    await mkdir(path.join(dataDir, 'pg'), { mode: 0o755 });
    await writeFile(path.join(dataDir, 'pg', 'PG_VERSION'), 'PG-CANARY', { mode: 0o644 });
    const otherRun = path.join(dataDir, 'runs', 'other-run', 'triggers');
    await mkdir(otherRun, { recursive: true });
    await writeFile(path.join(otherRun, 't-1'), 'OTHER-TENANT-PAYLOAD', { mode: 0o644 });

    // Another tenant's integration, run once: its release directory is on disk.
    await scriptIntegration(stack, 'victim', { 'PANDIUM.yaml': 'version: 0.4\nbase: node:20\nrun: node index.mjs\n', 'index.mjs': 'console.log(JSON.stringify({ victim: true }));\n' });
    const victimRun = await runNow(stack, await endUserToken(stack, 'vera'), (await install(stack, await endUserToken(stack, 'vera'), 'victim')).id);
    expect(victimRun.status).toBe('Succeeded');
    const [victimRelease] = (await readdir(path.join(dataDir, 'releases'))).filter((name) => !name.startsWith('.'));
    const victimDir = path.join(dataDir, 'releases', victimRelease!);
    await chmod(victimDir, 0o777);

    await scriptIntegration(stack, 'hostile', { 'PANDIUM.yaml': PANDIUM_YAML, 'index.js': await readFile(HOSTILE, 'utf8') });
    const marker = processMarker();
    const token = await endUserToken(stack, 'mallory');
    const tenant = await install(stack, token, 'hostile', {
      server_pid: String(process.pid),
      other_run_file: path.join(otherRun, 't-1'),
      other_release_file: path.join(victimDir, 'index.mjs'),
      other_release_dir: victimDir,
      secret_file: path.join(dataDir, 'secret.keys'),
      marker,
    });
    const run = await runNow(stack, token, tenant.id);
    expect(run.status, (await logLines(stack, run.id)).join('\n')).toBe('Succeeded');
    const { rows } = await stack.db.query<{ out: string }>('SELECT last_successful_stdout AS out FROM tenants WHERE id = $1', [tenant.id]);
    const { attempts } = JSON.parse(rows[0]!.out) as { attempts: Array<{ attempt: string; escaped: boolean; result: string }> };
    console.log(attempts.map((a) => `${a.escaped ? 'ESCAPED' : 'refused'}  ${a.attempt}: ${a.result}`).join('\n'));

    expect(attempts.length).toBeGreaterThanOrEqual(18);
    expect(attempts.filter((a) => a.escaped)).toEqual([]);
    const byName = (prefix: string) => attempts.find((a) => a.attempt.startsWith(prefix))!.result;
    expect(byName('list the data directory')).toBe('sees [releases, runs]');
    expect(byName(`read ${path.join(dataDir, 'secret.keys')}`)).toMatch(/^ENOENT/);
    expect(byName("read another release's code")).toMatch(/^ENOENT/);
    expect(byName("replace another release's index.js")).toMatch(/^ENOENT/);
    expect(byName("read another run's payload")).toMatch(/^ENOENT/);
    expect(byName('write into its own release directory')).toMatch(/^EROFS/);
    expect(byName(`read /proc/${process.pid}/environ`)).toMatch(/^ENOENT/);
    expect(await readFile(path.join(victimDir, 'index.mjs'), 'utf8')).toContain('victim: true');
    expect(await liveProcessesWith(marker)).toEqual([]);
  });
});
