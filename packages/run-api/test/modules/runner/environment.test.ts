import { describe, expect, it } from 'vitest';
import {
  baseVariables,
  configVariables,
  contextVariables,
  oversizedVariables,
  pandiumPhase,
  pandiumRunTime,
  pandiumTime,
  runEnvironment,
  secretVariables,
} from '../../../src/modules/runner/environment.ts';
import { context } from './helpers.ts';

describe('configVariables', () => {
  it('names PAN_CFG_<NAME UPPERCASED> and writes each type as SPEC says', () => {
    expect(
      configVariables({
        channel: '#general',
        Mixed_Case: 'x',
        enabled: true,
        disabled: false,
        count: 42,
        ratio: -1.5,
        zero: 0,
        empty: '',
        tags: ['a', 'b'],
        object: { a: 1, b: [true] },
        nothing: null,
        missing: undefined,
      }),
    ).toStrictEqual({
      PAN_CFG_CHANNEL: '#general',
      PAN_CFG_MIXED_CASE: 'x',
      PAN_CFG_ENABLED: 'true',
      PAN_CFG_DISABLED: 'false',
      PAN_CFG_COUNT: '42',
      PAN_CFG_RATIO: '-1.5',
      PAN_CFG_ZERO: '0',
      PAN_CFG_EMPTY: '',
      PAN_CFG_TAGS: '["a","b"]',
      PAN_CFG_OBJECT: '{"a":1,"b":[true]}',
    });
  });
});

describe('secretVariables', () => {
  it('names PAN_SEC_<CONNECTOR>_<FIELD> uppercased, hyphens kept', () => {
    expect(
      secretVariables({ 'acme-crm': { access_token: 'a1', 'refresh-token': 'r1' }, slack: { access_token: 's1' } }),
    ).toStrictEqual({
      'PAN_SEC_ACME-CRM_ACCESS_TOKEN': 'a1',
      'PAN_SEC_ACME-CRM_REFRESH-TOKEN': 'r1',
      PAN_SEC_SLACK_ACCESS_TOKEN: 's1',
    });
  });
});

describe('pandiumTime', () => {
  it.each([
    ['2023-01-27T23:27:07.000Z', '2023-01-27T23:27:07Z'],
    ['2023-01-27T23:27:07.999Z', '2023-01-27T23:27:07Z'],
    ['2023-06-06T10:11:50-04:00', '2023-06-06T14:11:50Z'],
  ])('%s -> %s', (input, expected) => {
    expect(pandiumTime(new Date(input))).toBe(expected);
  });
});

describe('pandiumRunTime (the PAN_CTX_LAST_*_TIME format Pandium documents)', () => {
  it.each([
    ['2021-07-24T20:04:21.000Z', '2021-07-24 20:04:21 +0000 UTC'],
    ['2021-07-24T20:04:21.999Z', '2021-07-24 20:04:21 +0000 UTC'],
    ['2023-06-06T10:11:50-04:00', '2023-06-06 14:11:50 +0000 UTC'],
  ])('%s -> %s', (input, expected) => {
    expect(pandiumRunTime(new Date(input))).toBe(expected);
  });
});

describe('pandiumPhase', () => {
  it.each([
    ['Succeeded', 'Succeeded'],
    ['Failed (Timeout)', 'Timeout'],
    ['Failed (Integration Issue)', 'Failed'],
    ['Failed (Platform Issue)', 'Failed'],
    ['Failed (Refresh)', 'Failed'],
    ['Failed (Resource Limit)', 'Failed'],
    ['Failed (Metadata Validation)', 'Failed'],
  ] as const)('%s -> %s', (status, phase) => {
    expect(pandiumPhase(status)).toBe(phase);
  });
});

describe('contextVariables', () => {
  it('without a previous run: no PAN_CTX_LAST_* at all (absent, not empty); no metadata file variable', () => {
    const env = contextVariables(context({ id: 'r1', run: 'true' }, { mode: 'init', triggers: [] }), { triggers: {}, metadataFile: null });
    expect(env).toStrictEqual({
      PAN_CTX_RUN_MODE: 'init',
      PAN_CTX_RUN_TRIGGERS: '[]',
      PAN_CTX_INTEGRATION_ID: '41',
      PAN_CTX_INTEGRATION_NAME: 'Acme Sync',
      PAN_CTX_TENANT_ID: 'tenant-1',
      PAN_CTX_WEBHOOK_URL: 'https://pan.example/v2/webhooks/tenant-1/abc',
    });
  });

  it('with previous runs and metadata', () => {
    const env = contextVariables(
      context(
        { id: 'r1', run: 'true' },
        {
          lastRun: { startedAt: new Date('2024-03-01T10:00:00.5Z'), endedAt: null, status: 'Failed (Timeout)' },
          lastSuccessfulRun: {
            startedAt: new Date('2024-02-01T10:00:00Z'),
            endedAt: new Date('2024-02-01T10:01:02.003Z'),
            status: 'Succeeded',
            stdout: '{"cursor":7}',
          },
          metadata: { region: 'eu' },
        },
      ),
      { triggers: {}, metadataFile: '/runs/x/metadata.json' },
    );
    expect(env).toMatchObject({
      PAN_CTX_LAST_RUN_START_TIME: '2024-03-01 10:00:00 +0000 UTC',
      PAN_CTX_LAST_RUN_PHASE: 'Timeout',
      PAN_CTX_LAST_RUN_STATUS: 'Failed (Timeout)',
      PAN_CTX_LAST_SUCCESSFUL_RUN_START_TIME: '2024-02-01 10:00:00 +0000 UTC',
      PAN_CTX_LAST_SUCCESSFUL_RUN_COMPLETION_TIME: '2024-02-01 10:01:02 +0000 UTC',
      PAN_CTX_LAST_SUCCESSFUL_RUN_PHASE: 'Succeeded',
      PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"cursor":7}',
      PAN_CTX_TENANT_METADATA_FILE: '/runs/x/metadata.json',
    });
    // A run without an end (still unknown) has no completion time.
    expect(env).not.toHaveProperty('PAN_CTX_LAST_RUN_COMPLETION_TIME');
  });

  it('trigger records: payload only with a payload, event only when set', () => {
    const created = new Date('2023-01-27T23:27:07Z');
    const env = contextVariables(
      context(
        { id: 'r1', run: 'true' },
        {
          triggers: [
            { id: 'w', source: 'webhook', mode: 'webhook', createdAt: created, payload: { body: Buffer.from('{}'), headers: { 'user-agent': 'x' } } },
            { id: 'e', source: 'api', mode: 'normal', createdAt: created, event: 'order.created', payload: { body: Buffer.from('{}'), headers: {} } },
            { id: 'c', source: 'cron', mode: 'normal', createdAt: created },
          ],
        },
      ),
      { triggers: { w: { file: '/r/triggers/w' }, e: { file: '/r/triggers/e' } }, metadataFile: null },
    );
    expect(JSON.parse(env.PAN_CTX_RUN_TRIGGERS!)).toStrictEqual([
      { id: 'w', source: 'webhook', mode: 'webhook', created_date: '2023-01-27T23:27:07Z', payload: { file: '/r/triggers/w', headers: { 'user-agent': 'x' } } },
      { id: 'e', source: 'api', mode: 'normal', created_date: '2023-01-27T23:27:07Z', payload: { file: '/r/triggers/e', headers: {} }, event: 'order.created' },
      { id: 'c', source: 'cron', mode: 'normal', created_date: '2023-01-27T23:27:07Z' },
    ]);
  });
});

describe('runEnvironment', () => {
  it('is base + PAN_* and nothing of the server environment but PATH', () => {
    process.env.PAN_SERVER_CANARY = 'leak';
    try {
      const env = runEnvironment(
        context({ id: 'r1', run: 'true' }, { triggers: [], configs: { a: 1 }, secrets: { s: { f: 'v' } } }),
        { triggers: {}, metadataFile: null },
        '/runs/x/home',
        '/usr/bin:/bin',
      );
      expect(Object.keys(env).filter((name) => !name.startsWith('PAN_CTX_')).sort()).toEqual(['HOME', 'LANG', 'PAN_CFG_A', 'PAN_SEC_S_F', 'PATH', 'TZ']);
      expect(env).toMatchObject({ PATH: '/usr/bin:/bin', HOME: '/runs/x/home', LANG: 'C.UTF-8', TZ: 'UTC' });
    } finally {
      delete process.env.PAN_SERVER_CANARY;
    }
  });

  it('leaves out what no environment can hold', () => {
    const env = runEnvironment(
      context({ id: 'r1', run: 'true' }, { triggers: [], configs: { 'a=b': 'x', nul: 'a\0b', ok: 'y' } }),
      { triggers: {}, metadataFile: null },
      '/h',
    );
    expect(env.PAN_CFG_OK).toBe('y');
    expect(Object.keys(env).filter((name) => name.startsWith('PAN_CFG_'))).toEqual(['PAN_CFG_OK']);
  });

  it('base variables: PATH falls back to a standard one', () => {
    expect(baseVariables('/h', '')).toEqual({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/h', LANG: 'C.UTF-8', TZ: 'UTC' });
  });

  it('spots a variable too long for execve', () => {
    expect(oversizedVariables({ SMALL: 'x', BIG: 'y'.repeat(200_000) })).toEqual([{ name: 'BIG', bytes: 200_004 }]);
  });
});
