import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Run, Tenant } from '@pan/contract';
import { pan } from '../../../../cli/test/pan-process.ts';
import { readReleaseArchive, upsertIntegration } from '../../../src/modules/catalog/store.ts';
import { findConnector, saveConnection } from '../../../src/modules/connections/store.ts';
import { pandiumRunTime } from '../../../src/modules/runner/environment.ts';
import { ProcessExecutor } from '../../../src/modules/runner/process-executor.ts';
import { ReleaseDirectories } from '../../../src/modules/runner/release-dir.ts';
import { startRunEngine, type RunEngine } from '../../../src/modules/runs/engine.ts';
import { queueDueCronTriggers } from '../../../src/modules/runs/scheduler.ts';
import { endUserToken, seedFixtureConnectors, startTestStack, storeScriptRelease, type TestStack } from '../../support/index.ts';
import { call, install, runNow, runOfTrigger } from '../runs/run-support.ts';
import { compareWithTable, readContractTable, tableWithValues, type ContractRow, type RunState } from './contract-table.ts';
import { TEST_SANDBOX } from './helpers.ts';

/**
 * THE RUN CONTRACT AS DOCUMENTED: one script runs through `pan run` and through the real server
 * (manual, api, webhook and cron triggers), records every `PAN_*` variable it sees, and each
 * run's variables are compared with the table of docs/run-contract.md (names, presence, forms).
 * The table is written from Pandium's documentation (`../shared/SPEC.md` "Exact forms"), so a
 * drift of the code, or of the table, fails here.
 */

// No `connectors:` key (as in 25 of 56 real files): the integration's connectors still reach it.
const PANDIUM_YAML = `version: 0.5
base: node:24
run: node observer.cjs
metadata_schema:
  schema: { type: object, properties: { seq: { type: integer } } }
configs:
  schema:
    type: object
    definitions:
      regions: { type: string, enum: [eu, us] }
    properties:
      region: { type: string, $ref: '#/definitions/regions', default: us }
      enabled: { type: boolean, default: true }
      limit: { type: integer, default: 25 }
      tags: { type: array, items: { type: string, enum: [a, b, c] }, uniqueItems: true, default: [a, c] }
      report: { type: string, default: file }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/region' }
      - { type: Control, scope: '#/properties/enabled' }
      - { type: Control, scope: '#/properties/limit' }
      - { type: Label, text: Tags }
      - { type: MultiSelectControl, scope: '#/properties/tags' }
      - { type: Control, scope: '#/properties/report', admin: true }
`;

/**
 * Reads its context the way Pandium's documentation does (`JSON.parse(process.env.X ?? '{}')`
 * breaks on an empty string), records its PAN_* variables and payloads (to its run directory on
 * the server, on stdout under `pan run`), and fails when a payload asks it to.
 */
const OBSERVER = `
const fs = require('node:fs');
const path = require('node:path');
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PAN_')));
const previous = JSON.parse(process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT ?? '{"seq":0}');
const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS);
const bodies = triggers.filter((t) => t.payload).map((t) => fs.readFileSync(t.payload.file, 'utf8'));
const observed = { env, bodies };
const seq = previous.seq + 1;
if (process.env.PAN_CFG_REPORT === 'stdout') console.log(JSON.stringify({ seq, observed }));
else {
  fs.writeFileSync(path.join(process.env.HOME, '..', 'observed.json'), JSON.stringify(observed));
  console.log(JSON.stringify({ seq }));
}
console.error('observed run ' + seq);
if (bodies.some((body) => body.includes('"fail":true'))) process.exit(1);
`;

interface Observed {
  env: Record<string, string>;
  bodies: string[];
}

const table = readContractTable();
/** Per path, the rows some run showed, and one value seen for each. */
const seenRows = { 'pan run': new Set<ContractRow>(), server: new Set<ContractRow>() };
const serverValues = new Map<ContractRow, string>();

function check(pathName: keyof typeof seenRows, env: Record<string, string>, state: RunState): void {
  const { problems, seen } = compareWithTable(table, env, state);
  for (const row of seen) seenRows[pathName].add(row);
  if (pathName === 'server') {
    for (const row of table) {
      const name = Object.keys(env).find((n) => n === row.variable) ?? Object.keys(env).find((n) => row.name.test(n) && !table.some((r) => r.variable === n));
      if (name !== undefined) serverValues.set(row, env[name]!);
    }
  }
  expect(problems, `${pathName}: ${JSON.stringify(state)}`).toEqual([]);
}

const SETTINGS = ['PAN_CFG_REGION', 'PAN_CFG_ENABLED', 'PAN_CFG_LIMIT', 'PAN_CFG_TAGS', 'PAN_CFG_REPORT'];

describe('pan run', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pan-contract-'));
    writeFileSync(path.join(dir, 'PANDIUM.yaml'), PANDIUM_YAML);
    writeFileSync(path.join(dir, 'observer.cjs'), OBSERVER);
    writeFileSync(path.join(dir, 'body.json'), '{"event":"contact.updated"}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const panRun = async (...args: string[]) => {
    const run = await pan({}, 'run', dir, '--config', 'report=stdout', '--secret', 'ACME-BILLING_API_KEY=k-local-123', ...args);
    expect(run.code, run.stderr).toBe(0);
    // A connector PANDIUM.yaml does not list is passed on, with a warning.
    expect(run.stderr).toContain("connector ACME-BILLING is not in PANDIUM.yaml's connectors");
    return JSON.parse(run.stdout) as { seq: number; observed: Observed };
  };
  const state = (previous: boolean): RunState => ({
    previousRun: previous,
    previousSuccess: previous,
    previousSuccessPrintedJson: previous,
    metadataSchema: true,
    settings: SETTINGS,
    secrets: ['PAN_SEC_ACME-BILLING_API_KEY'],
  });

  it('a first run: the table holds, and no PAN_CTX_LAST_* exists', { timeout: 120_000 }, async () => {
    const { seq, observed } = await panRun();
    expect(seq).toBe(1);
    check('pan run', observed.env, state(false));
    expect(observed.env).toMatchObject({ PAN_CFG_REGION: 'us', PAN_CFG_TAGS: '["a","c"]', 'PAN_SEC_ACME-BILLING_API_KEY': 'k-local-123' });
  });

  it('a webhook run after one that printed JSON (--context): the table holds', { timeout: 120_000 }, async () => {
    const { seq, observed } = await panRun('--context', '{"seq": 4}', '--payload', path.join(dir, 'body.json'));
    expect(seq).toBe(5);
    check('pan run', observed.env, state(true));
    expect(observed.env).toMatchObject({ PAN_CTX_RUN_MODE: 'webhook', PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"seq":4}', PAN_CTX_LAST_RUN_PHASE: 'Succeeded' });
    expect(observed.bodies).toEqual(['{"event":"contact.updated"}']);
  });
});

describe('the server: manual, api, webhook and cron runs', () => {
  let stack: TestStack;
  let engine: RunEngine;
  let runsRoot: string;
  let tenant: Tenant;
  let integrationNumber: string;
  const runs: Run[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ clusterUrl: inject('pgClusterUrl') });
    // The server's own engine, with a process executor that keeps run directories to read what the script saw.
    runsRoot = path.join(stack.config.dataDir, 'contract-runs');
    const releases = new ReleaseDirectories({
      root: path.join(stack.config.dataDir, 'contract-releases'),
      sandbox: TEST_SANDBOX,
      loadArchive: async (id) => (await readReleaseArchive(stack.db, id))!,
    });
    if (TEST_SANDBOX) await TEST_SANDBOX.makeReachable(stack.config.dataDir);
    engine = await startRunEngine({
      db: stack.db,
      box: stack.box,
      databaseUrl: stack.databaseUrl,
      config: stack.config,
      pollMs: 500,
      scheduler: false,
      executor: new ProcessExecutor({ runsRoot, releases, sandbox: TEST_SANDBOX, keepRunDirectories: true }),
    });
    await seedFixtureConnectors(stack, 'http://127.0.0.1:9');
    const listed = await upsertIntegration(stack.db, stack.accountId, {
      slug: 'contract',
      name: 'Contract Observer',
      type: 'internal',
      short_description: 'Records what a run sees.',
      // Attached to the integration, not listed in PANDIUM.yaml.
      connectors: ['acme-billing'],
    } as never);
    if (!('id' in listed)) throw new Error('cannot list the integration');
    await storeScriptRelease(stack.db, stack.accountId, listed.id, { 'PANDIUM.yaml': PANDIUM_YAML, 'observer.cjs': OBSERVER });
    const { rows } = await stack.db.query<{ num_id: string }>('SELECT num_id FROM integrations WHERE id = $1', [listed.id]);
    integrationNumber = rows[0]!.num_id;
    const connector = await findConnector(stack.db, stack.accountId, 'acme-billing');
    await saveConnection(stack.db, stack.box, {
      accountId: stack.accountId,
      sub: 'contract-user',
      connectorId: connector!.id,
      secrets: { api_key: 'k-live-123', account_id: 'acct-9' },
      expiresAt: null,
    });
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    await stack?.stop();
  });

  const observedOf = async (run: Run): Promise<Observed> => JSON.parse(await readFile(path.join(runsRoot, run.id, 'observed.json'), 'utf8')) as Observed;
  const state = (): RunState => {
    const previous = runs.at(-1);
    const success = runs.findLast((r) => r.status === 'Succeeded');
    return {
      previousRun: previous !== undefined,
      previousSuccess: success !== undefined,
      previousSuccessPrintedJson: success !== undefined,
      metadataSchema: true,
      settings: SETTINGS,
      secrets: ['PAN_SEC_ACME-BILLING_API_KEY', 'PAN_SEC_ACME-BILLING_ACCOUNT_ID'],
    };
  };
  /** A real HTTP request (not inject): header names reach the server as sent. */
  const send = (url: string, headers: Record<string, string | string[]>, body: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('manual (Run now), the first run: no PAN_CTX_LAST_*, an integer integration id, the integration\'s connector\'s secrets, the $ref default', { timeout: 120_000 }, async () => {
    const jwt = await endUserToken(stack, 'contract-user');
    tenant = await install(stack, jwt, 'contract');
    const before = state();
    const run = await runNow(stack, jwt, tenant.id);
    expect(run.status).toBe('Succeeded');
    const { env } = await observedOf(run);
    check('server', env, before);
    expect(env).toMatchObject({
      PAN_CTX_INTEGRATION_ID: integrationNumber,
      PAN_CTX_INTEGRATION_NAME: 'Contract Observer',
      PAN_CTX_TENANT_ID: tenant.id,
      PAN_CFG_REGION: 'us',
      PAN_CFG_ENABLED: 'true',
      PAN_CFG_LIMIT: '25',
      PAN_CFG_TAGS: '["a","c"]',
      'PAN_SEC_ACME-BILLING_API_KEY': 'k-live-123',
      'PAN_SEC_ACME-BILLING_ACCOUNT_ID': 'acct-9',
    });
    runs.push(run);
  });

  it('api (host sync with a body that makes it fail): the previous run in Pandium\'s forms; headers as sent', { timeout: 120_000 }, async () => {
    const before = state();
    const answer = await send(
      `${stack.apiBase}/v2/tenants/${tenant.id}/sync`,
      { 'X-API-KEY': stack.apiKey, 'Content-Type': 'application/json', 'User-Agent': 'PostmanRuntime/7.29.0' },
      '{"fail":true}',
    );
    expect(answer.status, answer.body).toBe(202);
    const run = await runOfTrigger(stack, (JSON.parse(answer.body) as { trigger_id: string }).trigger_id, 60_000);
    expect(run.status).toBe('Failed (Integration Issue)');
    const { env } = await observedOf(run);
    check('server', env, before);
    const first = runs[0]!;
    expect(env).toMatchObject({
      PAN_CTX_RUN_MODE: 'normal',
      PAN_CTX_LAST_RUN_START_TIME: pandiumRunTime(new Date(first.started_at)),
      PAN_CTX_LAST_RUN_COMPLETION_TIME: pandiumRunTime(new Date(first.ended_at!)),
      PAN_CTX_LAST_RUN_PHASE: 'Succeeded',
      PAN_CTX_LAST_RUN_STATUS: 'Succeeded',
      PAN_CTX_LAST_SUCCESSFUL_RUN_PHASE: 'Succeeded',
      PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"seq":1}',
    });
    const [trigger] = JSON.parse(env.PAN_CTX_RUN_TRIGGERS!) as Array<{ source: string; payload: { headers: Record<string, string> } }>;
    expect(trigger!.source).toBe('api');
    expect(trigger!.payload.headers).toMatchObject({ 'User-Agent': 'PostmanRuntime/7.29.0', 'Content-Type': 'application/json' });
    expect(Object.keys(trigger!.payload.headers).map((name) => name.toLowerCase())).not.toContain('x-api-key');
    runs.push(run);
  });

  it('webhook: after a failed run, LAST_RUN_PHASE is Failed and the detail is ours; repeated headers joined, Set-Cookie dropped', { timeout: 120_000 }, async () => {
    const before = state();
    const { rows } = await stack.db.query<{ webhook_token: string }>('SELECT webhook_token FROM tenants WHERE id = $1', [tenant.id]);
    const answer = await send(
      `${stack.apiBase}/webhooks/${rows[0]!.webhook_token}`,
      { 'Content-Type': 'application/json', 'User-Agent': 'PostmanRuntime/7.29.0', 'X-Repeated': ['one', 'two'], 'Set-Cookie': 'sid=secret' },
      '{"event":"contact.updated"}',
    );
    expect(answer.status, answer.body).toBe(202);
    const run = await runOfTrigger(stack, (JSON.parse(answer.body) as { trigger_id: string }).trigger_id, 60_000);
    expect(run.status).toBe('Succeeded');
    const { env, bodies } = await observedOf(run);
    check('server', env, before);
    expect(env).toMatchObject({
      PAN_CTX_RUN_MODE: 'webhook',
      PAN_CTX_LAST_RUN_PHASE: 'Failed',
      PAN_CTX_LAST_RUN_STATUS: 'Failed (Integration Issue)',
      PAN_CTX_LAST_SUCCESSFUL_RUN_START_TIME: pandiumRunTime(new Date(runs[0]!.started_at)),
      PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"seq":1}',
    });
    const [trigger] = JSON.parse(env.PAN_CTX_RUN_TRIGGERS!) as Array<{ source: string; payload: { headers: Record<string, string> } }>;
    expect(trigger!.source).toBe('webhook');
    expect(trigger!.payload.headers).toMatchObject({ 'User-Agent': 'PostmanRuntime/7.29.0', 'X-Repeated': 'one, two', 'Content-Type': 'application/json' });
    expect(Object.keys(trigger!.payload.headers).map((name) => name.toLowerCase())).not.toContain('set-cookie');
    expect(bodies).toEqual(['{"event":"contact.updated"}']);
    runs.push(run);
  });

  it('cron (the tenant\'s schedule): the table holds', { timeout: 120_000 }, async () => {
    const jwt = await endUserToken(stack, 'contract-user');
    const saved = await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { schedule: { type: 'interval', every: 5, unit: 'minutes' } });
    expect(saved.statusCode, saved.body).toBe(200);
    const before = state();
    expect(await queueDueCronTriggers(stack.db, new Date(Date.now() + 11 * 60_000))).toBe(1);
    const { rows } = await stack.db.query<{ id: string }>("SELECT id FROM triggers WHERE tenant_id = $1 AND source = 'cron'", [tenant.id]);
    const run = await runOfTrigger(stack, rows[0]!.id, 60_000);
    expect(run.status).toBe('Succeeded');
    const { env } = await observedOf(run);
    check('server', env, before);
    expect(env).toMatchObject({ PAN_CTX_LAST_RUN_PHASE: 'Succeeded', PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"seq":2}' });
    expect(JSON.parse(env.PAN_CTX_RUN_TRIGGERS!)).toEqual([{ id: rows[0]!.id, source: 'cron', mode: 'normal', created_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/) }]);
    runs.push(run);
  });
});

describe('the contract table', () => {
  it('every row was seen, through pan run and through the server, and matched', () => {
    for (const [pathName, seen] of Object.entries(seenRows)) {
      expect(table.filter((row) => !seen.has(row)).map((row) => row.variable), `rows ${pathName} never showed`).toEqual([]);
    }
    // The closing note's table: variable, documented form, what our server gave.
    console.log(`The run contract (docs/run-contract.md), with values the server gave:\n${tableWithValues(table, serverValues)}`);
    expect([...serverValues.entries()].filter(([row, value]) => !row.matches(value)).map(([row]) => row.variable)).toEqual([]);
  });
});
