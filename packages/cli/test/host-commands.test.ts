import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant, TriggerStatus } from '@pan/contract';
import { freePort } from '@pan/run-api';
import { startTestStack, type TestStack } from '../../run-api/test/support/index.ts';
import { call, endUserToken, install, logLines, scriptIntegration } from '../../run-api/test/modules/runs/run-support.ts';
import { pan, spawnPan } from './pan-process.ts';

/** `pan tenants list` and `pan runs tail` against a real run API with its run engine. */

let stack: TestStack;
/** Trigger id -> what its run's gate says ("ok" or "fail"); an HTTP server (the run sandbox shows scripts no file of the test's). */
const gates = new Map<string, string>();
let gateServer: http.Server;
let env: Record<string, string>;
const tenants: Record<'anaTail' | 'benTail' | 'anaOther', Tenant> = {} as never;
/** Tenant id -> resolves with the id of its run when the worker starts it. */
const runStarts = new Map<string, (runId: string) => void>();

/** Three lines, then it waits for `<gateUrl>/<trigger id>` to answer: "ok" ends it well after 40 more lines, "fail" badly. */
const tailScript = (gateUrl: string) => `const gate = ${JSON.stringify(gateUrl)} + '/' + JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS)[0].id;
for (let i = 1; i <= 3; i++) console.error('step ' + i);
console.error('waiting for the gate');
const poll = async () => {
  const said = await (await fetch(gate)).text();
  if (said === '') return setTimeout(poll, 10);
  for (let i = 1; i <= 40; i++) console.error('after gate ' + i);
  if (said === 'fail') {
    console.error('giving up');
    process.exit(2);
  }
  console.log(JSON.stringify({ ok: true }));
};
poll();
`;

const EXPECTED_LINES = ['step 1', 'step 2', 'step 3', 'waiting for the gate', ...Array.from({ length: 40 }, (_, i) => `after gate ${i + 1}`)];

beforeAll(async () => {
  gateServer = http.createServer((req, res) => res.end(gates.get(req.url!.slice(1)) ?? ''));
  await new Promise<void>((resolve) => gateServer.listen(0, '127.0.0.1', resolve));
  const gateUrl = `http://127.0.0.1:${(gateServer.address() as AddressInfo).port}`;
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    runEngine: { onRunStart: (run) => runStarts.get(run.tenantId)?.(run.id) },
  });
  env = { PAN_API_BASE: stack.apiBase, PAN_API_KEY: stack.apiKey };
  await scriptIntegration(stack, 'cli-tail', { 'PANDIUM.yaml': 'version: 0.4\nrun: node index.mjs\n', 'index.mjs': tailScript(gateUrl) });
  await scriptIntegration(stack, 'cli-other', { 'PANDIUM.yaml': 'version: 0.4\nrun: node index.mjs\n', 'index.mjs': 'console.log("{}");\n' });
  // One at a time: their creation order is the list's default order (newest first).
  tenants.anaTail = await install(stack, await endUserToken(stack, 'ana'), 'cli-tail');
  tenants.benTail = await install(stack, await endUserToken(stack, 'ben'), 'cli-tail');
  tenants.anaOther = await install(stack, await endUserToken(stack, 'ana'), 'cli-other');
});

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => gateServer?.close(resolve));
});

/** Queues a manual run of the tenant; resolves with its trigger and, once the worker started it, its run id. */
async function startRun(tenant: Tenant, user: string): Promise<{ triggerId: string; runId: string }> {
  const started = new Promise<string>((resolve) => runStarts.set(tenant.id, resolve));
  const response = await call(stack, 'POST', `/marketplace/tenants/${tenant.id}/runs`, await endUserToken(stack, user), { mode: 'normal' });
  expect(response.statusCode, response.body).toBe(202);
  return { triggerId: response.json<TriggerStatus>().trigger_id, runId: await started };
}

/** A pass-through HTTP proxy in front of the API that records what each request carried. */
async function recordingProxy(target: string): Promise<{ url: string; requests: Array<{ url: string; headers: http.IncomingHttpHeaders }>; close(): Promise<void> }> {
  const requests: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const server = http.createServer((request, response) => {
    requests.push({ url: request.url!, headers: request.headers });
    const upstream = http.request(new URL(request.url!, target), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(response);
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The tenant's public integer id, as the host API shows it. */
const numId = async (tenant: Tenant) =>
  String((await stack.db.query<{ num_id: string }>('SELECT num_id FROM tenants WHERE id = $1', [tenant.id])).rows[0]!.num_id);

const json = (text: string) => JSON.parse(text) as Array<Record<string, unknown>>;

describe('pan tenants list', () => {
  it('prints a table of the account\'s tenants, newest first', async () => {
    const run = await pan(env, 'tenants', 'list');
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header!.split(/\s+/)).toEqual(['id', 'integration_slug', 'name', 'paused', 'created_date']);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 4))).toEqual([
      [await numId(tenants.anaOther), 'cli-other', 'ana', 'false'],
      [await numId(tenants.benTail), 'cli-tail', 'ben', 'false'],
      [await numId(tenants.anaTail), 'cli-tail', 'ana', 'false'],
    ]);
    expect(rows[0]!.split(/\s+/)[4]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('filters by user and integration, pages and sorts; --json prints the API\'s rows', async () => {
    const [byUser, byIntegration, paged] = await Promise.all([
      pan(env, 'tenants', 'list', '--user', 'ana', '--json'),
      pan(env, 'tenants', 'list', '--integration', 'cli-tail', '--json'),
      pan(env, 'tenants', 'list', '--sort', 'created_date__ASC', '--limit', '1', '--skip', '1', '--json'),
    ]);
    expect(json(byUser.stdout).map((t) => t.uuid)).toEqual([tenants.anaOther.id, tenants.anaTail.id]);
    expect(json(byUser.stdout)[0]).toMatchObject({ id: Number(await numId(tenants.anaOther)), integration_slug: 'cli-other', name: 'ana', paused: false, configs: {} });
    expect(json(byIntegration.stdout).map((t) => t.uuid)).toEqual([tenants.benTail.id, tenants.anaTail.id]);
    expect(json(paged.stdout).map((t) => t.uuid)).toEqual([tenants.benTail.id]);
    expect([byUser.code, byIntegration.code, paged.code]).toEqual([0, 0, 0]);
  });

  it('says "No tenants." when none match', async () => {
    const run = await pan(env, 'tenants', 'list', '--user', 'nobody');
    expect(run).toMatchObject({ code: 0, stdout: 'No tenants.\n' });
  });

  it('server errors exit 3 with the server\'s code and message; no key is a usage error', async () => {
    const closedPort = await freePort();
    const [badSort, wrongKey, noKey, unreachable] = await Promise.all([
      pan(env, 'tenants', 'list', '--sort', 'colour__ASC'),
      pan({ ...env, PAN_API_KEY: 'pan_wrong' }, 'tenants', 'list'),
      pan({ PAN_API_BASE: stack.apiBase }, 'tenants', 'list'),
      pan({ ...env, PAN_API_BASE: `http://127.0.0.1:${closedPort}` }, 'tenants', 'list'),
    ]);
    expect(badSort.code).toBe(3);
    expect(badSort.stderr).toBe('pan tenants list: 400 PAN_ERR_REQUEST_INVALID\nsort_by: must be <field>__ASC or <field>__DESC with a field among created_date, modified_date, name, user_name, id\n');
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toContain('401 PAN_ERR_AUTH_API_KEY_INVALID');
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('PAN_API_KEY');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toBe(`pan tenants list: cannot reach http://127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}\n`);
  });

  it('--help shows the options and examples', async () => {
    const help = await pan({}, 'tenants', 'list', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pan tenants list [options]');
    for (const option of ['--user <name>', '--integration <slug-or-id>', '--archived', '--limit <n>', '--skip <n>', '--sort <field__DIR>', '--json']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain('Examples:');
  });
});

describe('pan runs tail', () => {
  it('prints a live run\'s lines as they are written and exits 0 when it Succeeded', async () => {
    const { triggerId, runId } = await startRun(tenants.anaTail, 'ana');
    const tail = spawnPan(env, 'runs', 'tail', runId);
    // The run cannot go on before its fourth line has reached the terminal.
    await tail.waitForLine('stdout', /^waiting for the gate$/);
    expect(tail.child.exitCode).toBeNull();
    gates.set(triggerId, 'ok');
    expect(await tail.exited).toEqual({ code: 0, signal: null });
    expect(tail.stdout).toEqual(EXPECTED_LINES);
    expect(tail.stderr).toEqual([`Run ${runId}: Succeeded`]);

    // An ended run: its whole log at once, then the end; --json gives one object per event.
    const again = await pan(env, 'runs', 'tail', runId, '--json');
    expect(again.code).toBe(0);
    const events = again.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.at(-1)).toEqual({ event: 'end', status: 'Succeeded' });
    expect(events.slice(0, -1).map((e) => e.line)).toEqual(await logLines(stack, runId));
    expect(events[0]).toEqual({ event: 'line', seq: 1, at: expect.stringMatching(/^\d{4}-.*Z$/), line: 'step 1' });
  });

  it('exits 4 when the run failed, with its status on stderr', async () => {
    const { triggerId, runId } = await startRun(tenants.benTail, 'ben');
    const tail = spawnPan(env, 'runs', 'tail', runId);
    await tail.waitForLine('stdout', /^waiting for the gate$/);
    gates.set(triggerId, 'fail');
    expect(await tail.exited).toEqual({ code: 4, signal: null });
    expect(tail.stdout).toEqual([...EXPECTED_LINES, 'giving up']);
    expect(tail.stderr).toEqual([`Run ${runId}: Failed (Integration Issue)`]);
  });

  it('reconnects when the stream drops before the end and resumes after the last line (Last-Event-ID)', async () => {
    const proxy = await recordingProxy(stack.apiBase);
    try {
      const { triggerId, runId } = await startRun(tenants.anaTail, 'ana');
      const tail = spawnPan({ ...env, PAN_API_BASE: proxy.url }, 'runs', 'tail', runId);
      await tail.waitForLine('stdout', /^waiting for the gate$/);
      // What the server does to open streams when it stops.
      stack.app.logHub.endStreams();
      expect(await tail.waitForLine('stderr', /reconnecting/)).toBe('pan runs tail: the stream ended before the run did; reconnecting after line 4');
      gates.set(triggerId, 'ok');
      expect(await tail.exited).toEqual({ code: 0, signal: null });
      expect(tail.stdout).toEqual(EXPECTED_LINES);
      expect(tail.stderr.at(-1)).toBe(`Run ${runId}: Succeeded`);
      // Two connections: the second resumed after line 4; the key went in a header, never in the URL.
      expect(proxy.requests.map((r) => [r.url, r.headers['last-event-id'], r.headers.accept])).toEqual([
        [`/v2/runs/${runId}/log`, undefined, 'text/event-stream'],
        [`/v2/runs/${runId}/log`, '4', 'text/event-stream'],
      ]);
      expect(proxy.requests.every((r) => r.headers['x-api-key'] === stack.apiKey)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('an unknown run exits 3 with the server\'s 404; no key exits 2', async () => {
    const [unknown, noKey] = await Promise.all([
      pan(env, 'runs', 'tail', '00000000-0000-4000-8000-000000000000'),
      pan({ PAN_API_BASE: stack.apiBase }, 'runs', 'tail', '00000000-0000-4000-8000-000000000000'),
    ]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('pan runs tail: 404 PAN_ERR_NOT_FOUND\nRun not found\n');
    expect(noKey.code).toBe(2);
  });

  it('--help shows the usage and examples', async () => {
    const help = await pan({}, 'runs', 'tail', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pan runs tail [options] <run-id>');
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Last-Event-ID');
  });
});
