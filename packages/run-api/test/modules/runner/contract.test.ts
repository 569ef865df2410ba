import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunContext, RunTrigger } from '../../../src/modules/runner/types.ts';
import { context, harness, type Harness } from './helpers.ts';

/**
 * THE CONTRACT between the platform and an integration script (SPEC "A run's environment" and
 * "Triggers"), at the executor: a script records everything it can see (payload files byte for
 * byte, multipart parts), and the test compares it with SPEC. pandium-contract.test.ts checks the
 * same variables through `pan run` and the server against docs/run-contract.md's table.
 */

/** Writes its whole environment, cwd and every payload file (base64) next to its HOME. */
const OBSERVER = `
const fs = require('node:fs');
const path = require('node:path');
const files = {};
const read = (file) => { files[file] = fs.readFileSync(file).toString('base64'); };
for (const trigger of JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS)) {
  if (!trigger.payload) continue;
  read(trigger.payload.file);
  for (const part of trigger.payload.parts || []) read(part.file);
}
if (process.env.PAN_CTX_TENANT_METADATA_FILE) read(process.env.PAN_CTX_TENANT_METADATA_FILE);
fs.writeFileSync(path.join(process.env.HOME, '..', 'observed.json'), JSON.stringify({ env: process.env, cwd: process.cwd(), files }));
console.error('observed');
console.log(JSON.stringify({ cursor: 'next' }));
`;

const created = new Date('2023-01-27T23:27:07.250Z');
const binary = Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x80]), randomBytes(4096)]);
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0, 0xff, 0x0a, 0x0d]), Buffer.from('\n%%EOF')]);
const boundary = '----pan-boundary-7MA4YWxk';
const multipartBody = Buffer.concat([
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhéllo there\r\n`),
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="doc"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
  pdf,
  Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="evil"; filename="../../x y.txt"\r\nContent-Type: text/plain\r\n\r\nplain\r\n`),
  Buffer.from(`--${boundary}--\r\n`),
]);
const jsonBody = Buffer.from('{"event": "contact.updated", "id": 17}\n');

const triggers: RunTrigger[] = [
  {
    id: 't-webhook',
    source: 'webhook',
    mode: 'webhook',
    createdAt: created,
    payload: { body: jsonBody, headers: { 'content-type': 'application/json', 'user-agent': 'PostmanRuntime/7.29.0' } },
  },
  {
    id: 't-binary',
    source: 'webhook',
    mode: 'webhook',
    createdAt: created,
    payload: { body: binary, headers: { 'content-type': 'image/png' } },
  },
  {
    id: 't-multipart',
    source: 'webhook',
    mode: 'webhook',
    createdAt: created,
    payload: { body: multipartBody, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } },
  },
  {
    id: 't-api',
    source: 'api',
    mode: 'normal',
    createdAt: new Date('2023-06-06T10:11:50-04:00'),
    event: 'order.created',
    payload: { body: Buffer.from('{"order":1}'), headers: { 'user-agent': 'host-backend/1.0' } },
  },
  { id: 't-manual', source: 'manual', mode: 'init', createdAt: new Date('2023-06-06T10:11:50-04:00') },
  { id: 'example_id', source: 'cron', mode: 'normal', createdAt: new Date('2023-06-06T10:11:50-04:00') },
];

let h: Harness;
let ctx: RunContext;
let observed: { env: Record<string, string>; cwd: string; files: Record<string, string> };
let runDir: string;
let outcome: Awaited<ReturnType<Harness['run']>>;
const canaries = { PAN_SERVER_CANARY: 'must-not-leak', DATABASE_URL: 'postgres://secret@db/pan', PAN_CTX_FAKE: 'server' };

beforeAll(async () => {
  h = await harness('contract');
  await h.addRelease('rel-contract', { 'observer.cjs': OBSERVER });
  ctx = context(
    { id: 'rel-contract', run: 'node observer.cjs' },
    {
      runId: 'run-contract',
      mode: 'webhook',
      configs: { channel: '#sales', enabled: true, limit: 25, tags: ['a', 'b'], mapping: { x: 1 }, unset: null },
      secrets: { 'acme-crm': { access_token: 'tok-123', refresh_token: 'ref-456' }, slack: { access_token: 'xoxb' } },
      lastRun: { startedAt: new Date('2024-03-01T10:00:00.123Z'), endedAt: new Date('2024-03-01T10:00:05Z'), status: 'Failed (Integration Issue)' },
      lastSuccessfulRun: {
        startedAt: new Date('2024-02-28T09:00:00Z'),
        endedAt: new Date('2024-02-28T09:00:30Z'),
        status: 'Succeeded',
        stdout: '{"cursor":"abc"}',
      },
      triggers,
      metadata: { region: 'eu', shop: { id: 9 } },
    },
  );
  Object.assign(process.env, canaries);
  try {
    outcome = await h.run(ctx);
  } finally {
    for (const name of Object.keys(canaries)) delete process.env[name];
  }
  runDir = h.runDir('run-contract');
  observed = JSON.parse(await readFile(path.join(runDir, 'observed.json'), 'utf8'));
});

afterAll(() => h?.remove());

const CTX_NAMES = [
  'PAN_CTX_RUN_MODE',
  'PAN_CTX_RUN_TRIGGERS',
  'PAN_CTX_INTEGRATION_ID',
  'PAN_CTX_INTEGRATION_NAME',
  'PAN_CTX_TENANT_ID',
  'PAN_CTX_LAST_RUN_START_TIME',
  'PAN_CTX_LAST_RUN_COMPLETION_TIME',
  'PAN_CTX_LAST_RUN_PHASE',
  'PAN_CTX_LAST_RUN_STATUS',
  'PAN_CTX_LAST_SUCCESSFUL_RUN_START_TIME',
  'PAN_CTX_LAST_SUCCESSFUL_RUN_COMPLETION_TIME',
  'PAN_CTX_LAST_SUCCESSFUL_RUN_PHASE',
  'PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT',
  'PAN_CTX_TENANT_METADATA_FILE',
  'PAN_CTX_WEBHOOK_URL',
];

describe('the run contract', () => {
  it('the run succeeded and its last stdout JSON is the outcome', () => {
    expect(outcome.outcome).toMatchObject({ status: 'Succeeded', exitCode: 0, stdoutJson: '{"cursor":"next"}', stdoutNote: undefined });
    expect(outcome.lines).toEqual(['observed']);
  });

  it('the environment holds exactly PATH, HOME, LANG, TZ and PAN_*', () => {
    const expected = [
      'PATH',
      'HOME',
      'LANG',
      'TZ',
      'PAN_CFG_CHANNEL',
      'PAN_CFG_ENABLED',
      'PAN_CFG_LIMIT',
      'PAN_CFG_TAGS',
      'PAN_CFG_MAPPING',
      'PAN_SEC_ACME-CRM_ACCESS_TOKEN',
      'PAN_SEC_ACME-CRM_REFRESH_TOKEN',
      'PAN_SEC_SLACK_ACCESS_TOKEN',
      ...CTX_NAMES,
    ];
    expect(Object.keys(observed.env).sort()).toEqual(expected.sort());
    for (const name of Object.keys(canaries)) expect(observed.env).not.toHaveProperty(name);
  });

  it('base variables', () => {
    expect(observed.env.PATH).toBe(process.env.PATH);
    expect(observed.env.HOME).toBe(path.join(runDir, 'home'));
    expect(observed.env.LANG).toBe('C.UTF-8');
    expect(observed.env.TZ).toBe('UTC');
    // The working directory is the release directory (where `build` ran).
    expect(observed.cwd).toBe(h.releases.directoryOf('rel-contract'));
  });

  it('configs and secrets', () => {
    expect(observed.env).toMatchObject({
      PAN_CFG_CHANNEL: '#sales',
      PAN_CFG_ENABLED: 'true',
      PAN_CFG_LIMIT: '25',
      PAN_CFG_TAGS: '["a","b"]',
      PAN_CFG_MAPPING: '{"x":1}',
      'PAN_SEC_ACME-CRM_ACCESS_TOKEN': 'tok-123',
      'PAN_SEC_ACME-CRM_REFRESH_TOKEN': 'ref-456',
      PAN_SEC_SLACK_ACCESS_TOKEN: 'xoxb',
    });
  });

  it('context variables', () => {
    expect(observed.env).toMatchObject({
      PAN_CTX_RUN_MODE: 'webhook',
      PAN_CTX_INTEGRATION_ID: '41',
      PAN_CTX_INTEGRATION_NAME: 'Acme Sync',
      PAN_CTX_TENANT_ID: 'tenant-1',
      PAN_CTX_LAST_RUN_START_TIME: '2024-03-01 10:00:00 +0000 UTC',
      PAN_CTX_LAST_RUN_COMPLETION_TIME: '2024-03-01 10:00:05 +0000 UTC',
      PAN_CTX_LAST_RUN_PHASE: 'Failed',
      PAN_CTX_LAST_RUN_STATUS: 'Failed (Integration Issue)',
      PAN_CTX_LAST_SUCCESSFUL_RUN_START_TIME: '2024-02-28 09:00:00 +0000 UTC',
      PAN_CTX_LAST_SUCCESSFUL_RUN_COMPLETION_TIME: '2024-02-28 09:00:30 +0000 UTC',
      PAN_CTX_LAST_SUCCESSFUL_RUN_PHASE: 'Succeeded',
      PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"cursor":"abc"}',
      PAN_CTX_TENANT_METADATA_FILE: path.join(runDir, 'metadata.json'),
      PAN_CTX_WEBHOOK_URL: 'https://pan.example/v2/webhooks/tenant-1/abc',
    });
    expect(JSON.parse(Buffer.from(observed.files[path.join(runDir, 'metadata.json')]!, 'base64').toString('utf8'))).toEqual({
      region: 'eu',
      shop: { id: 9 },
    });
  });

  it('PAN_CTX_RUN_TRIGGERS is shaped like the seed, one record per trigger', () => {
    const file = (id: string) => path.join(runDir, 'triggers', id);
    const parts = path.join(runDir, 'triggers', 't-multipart.parts');
    expect(JSON.parse(observed.env.PAN_CTX_RUN_TRIGGERS!)).toStrictEqual([
      {
        id: 't-webhook',
        source: 'webhook',
        mode: 'webhook',
        created_date: '2023-01-27T23:27:07Z',
        payload: { file: file('t-webhook'), headers: { 'content-type': 'application/json', 'user-agent': 'PostmanRuntime/7.29.0' } },
      },
      {
        id: 't-binary',
        source: 'webhook',
        mode: 'webhook',
        created_date: '2023-01-27T23:27:07Z',
        payload: { file: file('t-binary'), headers: { 'content-type': 'image/png' } },
      },
      {
        id: 't-multipart',
        source: 'webhook',
        mode: 'webhook',
        created_date: '2023-01-27T23:27:07Z',
        payload: {
          file: file('t-multipart'),
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          parts: [
            { name: 'note', filename: null, content_type: 'text/plain', file: path.join(parts, '1-note') },
            { name: 'doc', filename: 'report.pdf', content_type: 'application/pdf', file: path.join(parts, '2-report.pdf') },
            { name: 'evil', filename: 'x y.txt', content_type: 'text/plain', file: path.join(parts, '3-x_y.txt') },
          ],
        },
      },
      {
        id: 't-api',
        source: 'api',
        mode: 'normal',
        created_date: '2023-06-06T14:11:50Z',
        payload: { file: file('t-api'), headers: { 'user-agent': 'host-backend/1.0' } },
        event: 'order.created',
      },
      { id: 't-manual', source: 'manual', mode: 'init', created_date: '2023-06-06T14:11:50Z' },
      { id: 'example_id', source: 'cron', mode: 'normal', created_date: '2023-06-06T14:11:50Z' },
    ]);
  });

  it('payload files hold the bodies byte for byte (JSON, binary, multipart raw and parts)', () => {
    const seen = (file: string) => Buffer.from(observed.files[file] ?? '', 'base64');
    const file = (id: string) => path.join(runDir, 'triggers', id);
    expect(seen(file('t-webhook')).equals(jsonBody)).toBe(true);
    expect(seen(file('t-binary')).equals(binary)).toBe(true);
    expect(seen(file('t-multipart')).equals(multipartBody)).toBe(true);
    expect(seen(file('t-api')).toString()).toBe('{"order":1}');
    const parts = path.join(runDir, 'triggers', 't-multipart.parts');
    expect(seen(path.join(parts, '1-note')).toString('utf8')).toBe('héllo there');
    expect(seen(path.join(parts, '2-report.pdf')).equals(pdf)).toBe(true);
    expect(seen(path.join(parts, '3-x_y.txt')).toString()).toBe('plain');
  });
});
