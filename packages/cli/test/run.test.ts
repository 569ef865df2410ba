import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pan, spawnPan } from './pan-process.ts';

/**
 * `pan run` on integration directories made here: the script reports what it was given (its whole
 * environment, the payload file, the build's output) as its JSON output, or waits, or fails.
 */

const PANDIUM_YAML = `version: 0.4
base: node:20
build: echo built >&2 && echo ok > built.txt
run: node index.mjs
connectors: [acme-crm]
configs:
  schema:
    type: object
    properties:
      behaviour: { type: string, default: report }
      region: { type: string, default: eu }
      limit: { type: integer, default: 5 }
      tags: { type: array, items: { type: string, enum: [a, b, c] }, uniqueItems: true }
      dry: { type: boolean }
      gate: { type: string }
      marker: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/behaviour' }
      - { type: Control, scope: '#/properties/region' }
      - { type: Control, scope: '#/properties/limit' }
      - { type: MultiSelectControl, scope: '#/properties/tags' }
      - { type: Control, scope: '#/properties/dry' }
      - { type: Control, scope: '#/properties/gate' }
      - { type: Control, scope: '#/properties/marker' }
`;

const SCRIPT = `import { createHash } from 'node:crypto';
import fs from 'node:fs';
const behaviour = process.env.PAN_CFG_BEHAVIOUR;
console.error('behaviour ' + behaviour + ', region ' + process.env.PAN_CFG_REGION);
if (behaviour === 'report') {
  const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS);
  const file = triggers[0].payload?.file;
  const payload = file ? { file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') } : null;
  console.log('text before the JSON is not the output');
  console.log(JSON.stringify({ env: process.env, built: fs.readFileSync('built.txt', 'utf8').trim(), payload }));
} else if (behaviour === 'gate') {
  // The gate is an HTTP server of the test's (the run sandbox hides the test's files, not the network).
  console.error('waiting for the gate');
  const poll = async () => {
    if ((await (await fetch(process.env.PAN_CFG_GATE)).text()) !== 'open') return setTimeout(poll, 10);
    console.error('gate seen');
    console.log(JSON.stringify({ gated: true }));
  };
  poll();
} else if (behaviour === 'fail') {
  console.log(JSON.stringify({ partial: true }));
  console.error('cannot reach the API');
  process.exit(3);
} else if (behaviour === 'sleep') {
  // A child too; both carry PAN_CFG_MARKER in their environment, for the test to look for.
  const { spawn } = await import('node:child_process');
  spawn('sleep', ['1000'], { stdio: 'ignore' });
  console.error('sleeping');
  setInterval(() => {}, 1000);
}
`;

let workDir: string;
let integration: string;
let withMetadata: string;
let broken: string;

function writeDir(name: string, files: Record<string, string>): string {
  const dir = path.join(workDir, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'pan-run-test-'));
  integration = writeDir('reporter', { 'PANDIUM.yaml': PANDIUM_YAML, 'index.mjs': SCRIPT });
  withMetadata = writeDir('metadata', {
    'PANDIUM.yaml': `version: 0.4
run: node index.mjs
metadata_schema:
  schema: { type: object, properties: { synced: { type: integer } } }
`,
    'index.mjs': `import fs from 'node:fs';
console.error('metadata ' + fs.readFileSync(process.env.PAN_CTX_TENANT_METADATA_FILE, 'utf8'));
console.log(JSON.stringify({ synced: 'not a number' }));
`,
  });
  broken = writeDir('broken', { 'PANDIUM.yaml': 'version: 0.4\nbase: node:20\nrnu: node index.mjs\n', 'index.mjs': 'console.log("never")\n' });
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

/**
 * Host pids of live processes whose environment holds `marker` (a run's processes: inside the run
 * sandbox's PID namespace, the pids a script sees mean nothing here).
 */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const [environ, stat] = await Promise.all([readFile(`/proc/${entry}/environ`, 'utf8').catch(() => ''), readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '')]);
    if (environ.includes(marker) && stat !== '' && !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) found.push(Number(entry));
  }
  return found;
}

describe('pan run', () => {
  it("refuses a --payload that fails PANDIUM.yaml's webhook.schema, as the server's intake would (exit 1)", async () => {
    const checked = writeDir('schema-checked', {
      'PANDIUM.yaml': `version: 0.4
run: node index.mjs
webhook:
  schema:
    type: object
    required: [issue]
    properties:
      issue: { type: object, required: [number], properties: { number: { type: integer } } }
`,
      'index.mjs': "console.error('ran');\nconsole.log('{}');\n",
    });
    const bad = path.join(workDir, 'bad-issue.json');
    writeFileSync(bad, JSON.stringify({ issue: { number: 'seven' } }));
    const good = path.join(workDir, 'good-issue.json');
    writeFileSync(good, JSON.stringify({ issue: { number: 7 } }));
    const refused = await pan({}, 'run', checked, '--payload', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("does not match PANDIUM.yaml's webhook.schema");
    expect(refused.stderr).toContain('/issue/number: must be integer');
    expect(refused.stderr).not.toContain('ran');
    const accepted = await pan({}, 'run', checked, '--payload', good);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toContain('ran\n');
  });

  it('masks the --secret values in the log, as the server does', async () => {
    const printer = writeDir('secret-printer', {
      'PANDIUM.yaml': 'version: 0.4\nrun: node index.mjs\nconnectors: [acme-crm]\n',
      'index.mjs': "console.error('token is ' + process.env['PAN_SEC_ACME-CRM_ACCESS_TOKEN']);\nconsole.log('{}');\n",
    });
    const run = await pan({}, 'run', printer, '--secret', 'ACME-CRM_ACCESS_TOKEN=tok-very-secret');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('token is ***\n');
    expect(run.stderr).not.toContain('tok-very-secret');
  });

  it('passes secrets of connectors PANDIUM.yaml does not list (a warning), and the default of a $ref to a static enum', async () => {
    const dir = writeDir('unlisted', {
      'PANDIUM.yaml': `version: 0.5
run: node index.mjs
configs:
  schema:
    definitions:
      regions: { type: string, enum: [eu, us] }
    properties:
      region: { type: string, $ref: '#/definitions/regions', default: us }
  uischema:
    elements:
      - { type: Control, scope: '#/properties/region' }
`,
      'index.mjs': "console.log(JSON.stringify({ token: process.env.PAN_SEC_SLACK_ACCESS_TOKEN, region: process.env.PAN_CFG_REGION }));\n",
    });
    const run = await pan({}, 'run', dir, '--secret', 'SLACK_ACCESS_TOKEN=xoxb-1');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ token: 'xoxb-1', region: 'us' });
    expect(run.stderr).toContain('PANDIUM.yaml:1:10: warning: unknown version `0.5`');
    expect(run.stderr).toContain("--secret SLACK_ACCESS_TOKEN: connector SLACK is not in PANDIUM.yaml's connectors");
  });

  it('runs the build, then the script with only the server\'s environment; prints the context; exit 0', async () => {
    const cliEnv = { CANARY_SERVER_SECRET: 'must-not-leak', PAN_CFG_REGION: 'leaked', PAN_API_KEY: 'pan_cli_key' };
    const run = await pan(
      cliEnv,
      'run',
      integration,
      '--config',
      'limit=7',
      '--config',
      'tags=["a","c"]',
      '--secret',
      'ACME-CRM_API_KEY=k-1',
      '--secret',
      'acme-crm.region=eu-1',
      '--context',
      '{"cursor": 3}',
    );
    expect(run.code, run.stderr).toBe(0);
    // The context is the last JSON value of stdout, pretty-printed.
    expect(run.stdout).toMatch(/^\{\n {2}"env": \{\n/);
    const context = JSON.parse(run.stdout) as { env: Record<string, string>; built: string; payload: unknown };
    const { env } = context;
    expect(Object.keys(env).filter((name) => !/^(PATH|HOME|LANG|TZ|PAN_(CFG|SEC|CTX)_.+)$/.test(name))).toEqual([]);
    expect(env.CANARY_SERVER_SECRET).toBeUndefined();
    expect(env.PAN_API_KEY).toBeUndefined();
    expect(env).toMatchObject({
      PAN_CFG_BEHAVIOUR: 'report',
      PAN_CFG_REGION: 'eu',
      PAN_CFG_LIMIT: '7',
      PAN_CFG_TAGS: '["a","c"]',
      'PAN_SEC_ACME-CRM_API_KEY': 'k-1',
      'PAN_SEC_ACME-CRM_REGION': 'eu-1',
      PAN_CTX_RUN_MODE: 'normal',
      PAN_CTX_INTEGRATION_NAME: 'reporter',
      PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT: '{"cursor":3}',
      PAN_CTX_LAST_RUN_PHASE: 'Succeeded',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
    });
    expect(env.PAN_CFG_DRY).toBeUndefined();
    expect(env.PAN_CTX_TENANT_METADATA_FILE).toBeUndefined();
    expect(JSON.parse(env.PAN_CTX_RUN_TRIGGERS!)).toEqual([{ id: expect.any(String), source: 'manual', mode: 'normal', created_date: expect.any(String) }]);
    expect(context.built).toBe('ok');
    expect(context.payload).toBeNull();
    expect(run.stderr).toContain('[pan] building the release: echo built >&2 && echo ok > built.txt\nbuilt\n[pan] build finished\n');
    expect(run.stderr).toContain('behaviour report, region eu\n');
    expect(lastLine(run.stderr)).toMatch(/^Succeeded in \d+\.\d s$/);

    // Chaining: the printed context, given back with --context, is the next run's PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT.
    const saved = path.join(workDir, 'context.json');
    writeFileSync(saved, run.stdout);
    const next = await pan({}, 'run', integration, '--context', saved);
    expect(next.code, next.stderr).toBe(0);
    const nextEnv = (JSON.parse(next.stdout) as { env: Record<string, string> }).env;
    expect(nextEnv.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT).toBe(JSON.stringify(context));
    expect(nextEnv.PAN_CFG_LIMIT).toBe('5');
  });

  it('streams the log to stderr while the script runs', async () => {
    let open = false;
    const gate = createServer((_req, res) => res.end(open ? 'open' : 'closed'));
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const live = spawnPan({}, 'run', integration, '--config', 'behaviour=gate', '--config', `gate=http://127.0.0.1:${(gate.address() as AddressInfo).port}/`);
    // The script waits for the gate, which is only opened once its first line has come through.
    await live.waitForLine('stderr', /^waiting for the gate$/);
    expect(live.child.exitCode).toBeNull();
    open = true;
    expect(await live.exited, live.stderr.join('\n')).toEqual({ code: 0, signal: null });
    gate.close();
    expect(live.stderr.slice(-3)).toEqual(['waiting for the gate', 'gate seen', expect.stringMatching(/^Succeeded in /)]);
    expect(JSON.parse(live.stdout.join('\n'))).toEqual({ gated: true });
  });

  describe.concurrent('payloads', () => {
    it('--payload: a webhook trigger whose payload file, in the run directory, holds the same bytes', async () => {
      const bytes = Buffer.concat([randomBytes(4096), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]);
      const payloadFile = path.join(workDir, 'body.bin');
      writeFileSync(payloadFile, bytes);
      const run = await pan({}, 'run', integration, '--payload', payloadFile);
      expect(run.code, run.stderr).toBe(0);
      const { env, payload } = JSON.parse(run.stdout) as { env: Record<string, string>; payload: { file: string; sha256: string } };
      expect(env.PAN_CTX_RUN_MODE).toBe('webhook');
      const [trigger] = JSON.parse(env.PAN_CTX_RUN_TRIGGERS!) as Array<{ id: string; source: string; mode: string; payload: { file: string; headers: object } }>;
      expect(trigger).toMatchObject({ source: 'webhook', mode: 'webhook', payload: { headers: { 'content-type': 'application/octet-stream' } } });
      expect(payload.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      // A copy in the run's own directory, named after the trigger, removed with it after the run.
      expect(payload.file).toBe(trigger!.payload.file);
      expect(payload.file).not.toBe(payloadFile);
      expect(path.basename(payload.file)).toBe(trigger!.id);
      expect(path.basename(path.dirname(payload.file))).toBe('triggers');
      expect(existsSync(payload.file)).toBe(false);
    });

    it('--payload with --mode normal: an api trigger; a JSON file is application/json', async () => {
      const payloadFile = path.join(workDir, 'order.json');
      writeFileSync(payloadFile, '{"order": 42}\n');
      const run = await pan({}, 'run', integration, '--mode', 'normal', '--payload', payloadFile);
      expect(run.code, run.stderr).toBe(0);
      const { env, payload } = JSON.parse(run.stdout) as { env: Record<string, string>; payload: { sha256: string } };
      expect(JSON.parse(env.PAN_CTX_RUN_TRIGGERS!)).toMatchObject([{ source: 'api', mode: 'normal', payload: { headers: { 'content-type': 'application/json' } } }]);
      expect(payload.sha256).toBe(createHash('sha256').update('{"order": 42}\n').digest('hex'));
    });
  });

  describe.concurrent('failures', () => {
    it('a script that exits non-zero: exit 4, its log and output shown, "Failed (Integration Issue): exit code 3"', async () => {
      const run = await pan({}, 'run', integration, '--config', 'behaviour=fail');
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('cannot reach the API\n');
      expect(lastLine(run.stderr)).toMatch(/^Failed \(Integration Issue\): exit code 3 after \d+\.\d s$/);
      expect(JSON.parse(run.stdout)).toEqual({ partial: true });
    });

    it('a script over --timeout is stopped: exit 4, Failed (Timeout)', async () => {
      const run = await pan({}, 'run', integration, '--config', 'behaviour=sleep', '--timeout', '0.5');
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('[pan] the run took longer than its time limit of 500 ms and was stopped');
      expect(lastLine(run.stderr)).toBe('Failed (Timeout): stopped at the time limit of 0.5 s');
      expect(run.stdout).toBe('');
    });

    it('an output that does not match metadata_schema fails the run as the server would: exit 4', async () => {
      const run = await pan({}, 'run', withMetadata);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('metadata {}\n');
      expect(lastLine(run.stderr)).toMatch(/^Failed \(Metadata Validation\): The run's output does not match metadata_schema: .*synced must be integer/);
    });

    it('SIGINT stops the script\'s whole process group first, then exits 130', async () => {
      const marker = `pan-run-test-${randomBytes(8).toString('hex')}`;
      const live = spawnPan({}, 'run', integration, '--config', 'behaviour=sleep', '--config', `marker=${marker}`);
      await live.waitForLine('stderr', /^sleeping$/);
      expect(await processesWith(marker)).not.toEqual([]);
      live.child.kill('SIGINT');
      expect(await live.exited).toEqual({ code: 130, signal: null });
      expect(lastLine(live.stderr.join('\n'))).toMatch(/^Stopped \(SIGINT\) after /);
      expect(await processesWith(marker)).toEqual([]);
    });

    it('an invalid PANDIUM.yaml: exit 1 naming its line and column, nothing run', async () => {
      const run = await pan({}, 'run', broken);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/PANDIUM\.yaml:3:1: .*did you mean `run`/);
      expect(lastLine(run.stderr)).toBe(`pan run: ${path.join(broken, 'PANDIUM.yaml')} is invalid: nothing was run`);
      expect(run.stdout).toBe('');
    });
  });

  it('usage errors exit 2 with a message and no stack trace', async () => {
    const runs = await Promise.all([
      pan({}, 'run'),
      pan({}, 'run', integration, '--mode', 'later'),
      pan({}, 'run', integration, '--mode', 'webhook'),
      pan({}, 'run', integration, '--secret', 'NOSEPARATOR=x'),
      pan({}, 'run', integration, '--config', 'limit'),
      pan({}, 'run', integration, '--config', 'limit=many'),
      pan({}, 'run', path.join(workDir, 'nowhere')),
    ]);
    expect(runs.map((run) => run.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    const [missing, mode, webhook, secret, pair, typed, nowhere] = runs.map((run) => run.stderr);
    expect(missing).toContain("missing required argument 'dir'");
    expect(mode).toContain('Allowed choices are init, normal, webhook');
    expect(webhook).toContain('--mode webhook needs --payload');
    expect(secret).toContain('--secret NOSEPARATOR: expected <CONNECTOR>_<FIELD>=value');
    expect(pair).toContain('expected key=value');
    expect(typed).toContain('limit must be an integer');
    expect(nowhere).toContain('is not a directory');
    for (const run of runs) expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help shows the usage, the options, examples and exit codes', async () => {
    const help = await pan({}, 'run', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: pan run [options] <dir>');
    for (const option of ['--mode <mode>', '--config <key=value>', '--secret <CONNECTOR_FIELD=value>', '--payload <file>', '--context <json-or-file>', '--timeout <seconds>']) {
      expect(help.stdout).toContain(option);
    }
    expect(help.stdout).toContain('Examples:\n  pan run ./my-integration');
    expect(help.stdout).toMatch(/4 {2}the run failed/);
  });
});
