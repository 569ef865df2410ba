import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Tenant } from '@pan/contract';
import { insertTrigger } from '../../../src/modules/triggers/store.ts';
import { claimNextRun, sweepLostRuns } from '../../../src/modules/runs/queue.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runNow, runOfTrigger, scriptIntegration } from './run-support.ts';

/** The worker with the real process executor: statuses, tenant effects, and lost runs. */
let stack: TestStack;
let users = 0;
const user = () => endUserToken(stack, `engine-user-${(users += 1)}`);

beforeAll(async () => {
  stack = await startTestStack({
    clusterUrl: inject('pgClusterUrl'),
    seedCatalog: true,
    runEngine: true,
    // No short time limit here: a run's limit counts from its spawn, and on a busy machine node
    // alone can take a second or more to start. The time limit has its own stack below.
    config: { runStderrCap: 2048 },
  });
});

afterAll(async () => {
  await stack?.stop();
});

const yaml = (run: string, extra = '') => `version: 1.0
base: node:24
run: ${run}
${extra}`;

describe('how a run ends', () => {
  it('maps a non-zero exit to Failed (Integration Issue) and keeps the context as it was', async () => {
    const slug = await scriptIntegration(stack, 'exit-code', {
      'PANDIUM.yaml': yaml('node run.mjs'),
      'run.mjs': `const last = JSON.parse(process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT || '{}');
if (last.n) { console.error('second run fails'); console.log(JSON.stringify({ n: 99 })); process.exit(3); }
console.log(JSON.stringify({ n: 1 }));`,
    });
    const jwt = await user();
    const tenant = await install(stack, jwt, slug);
    expect((await runNow(stack, jwt, tenant.id)).status).toBe('Succeeded');
    const failed = await runNow(stack, jwt, tenant.id);
    expect(failed).toMatchObject({ status: 'Failed (Integration Issue)', exit_code: 3 });
    const { rows } = await stack.db.query<{ last_successful_stdout: string }>('SELECT last_successful_stdout FROM tenants WHERE id = $1', [tenant.id]);
    expect(JSON.parse(rows[0]!.last_successful_stdout)).toEqual({ n: 1 });
    // The third run still sees the first run's output.
    const third = await runNow(stack, jwt, tenant.id);
    expect(await logLines(stack, third.id)).toContain('second run fails');
  });

  it('succeeds with a note when the last output is not JSON, and truncates a long log with a marker', async () => {
    const slug = await scriptIntegration(stack, 'chatty', {
      'PANDIUM.yaml': yaml('node chatty.mjs'),
      'chatty.mjs': `for (let i = 0; i < 500; i++) console.error('line ' + i + ' ' + 'x'.repeat(20)); console.log('done, no JSON');`,
    });
    const jwt = await user();
    const tenant = await install(stack, jwt, slug);
    const run = await runNow(stack, jwt, tenant.id);
    expect(run.status).toBe('Succeeded');
    expect(run.output_note).toMatch(/not JSON/);
    expect(run.log_truncated).toBe(true);
    const lines = await logLines(stack, run.id);
    expect(lines.length).toBeLessThan(500);
    expect(lines.some((l) => /\[pan\] log truncated/.test(l))).toBe(true);
    // The log says why the context did not change.
    expect(lines.some((l) => l.startsWith('[pan]') && /not JSON/.test(l))).toBe(true);
    const { rows } = await stack.db.query<{ last_successful_stdout: string | null }>('SELECT last_successful_stdout FROM tenants WHERE id = $1', [tenant.id]);
    expect(rows[0]!.last_successful_stdout).toBeNull();
  });

  it('validates stdout against metadata_schema, merges it into the metadata, and hands the file to the next run', async () => {
    const slug = await scriptIntegration(stack, 'with-metadata', {
      'PANDIUM.yaml': yaml(
        'node meta.mjs',
        `metadata_schema:
  schema:
    type: object
    properties:
      cursor: { type: integer }
    additionalProperties: false
`,
      ),
      'meta.mjs': `import { readFileSync } from 'node:fs';
const meta = JSON.parse(readFileSync(process.env.PAN_CTX_TENANT_METADATA_FILE, 'utf8'));
console.error('metadata: ' + JSON.stringify(meta));
if ((meta.cursor ?? 0) >= 2) console.log(JSON.stringify({ cursor: 'not a number' }));
else console.log(JSON.stringify({ cursor: (meta.cursor ?? 0) + 1 }));`,
    });
    const jwt = await user();
    const tenant = await install(stack, jwt, slug);
    expect((await runNow(stack, jwt, tenant.id)).status).toBe('Succeeded');
    const second = await runNow(stack, jwt, tenant.id);
    expect(await logLines(stack, second.id)).toContain('metadata: {"cursor":1}');
    const third = await runNow(stack, jwt, tenant.id);
    expect(third.status).toBe('Failed (Metadata Validation)');
    expect(third.output_note).toMatch(/metadata_schema/);
    const { rows } = await stack.db.query<{ metadata: unknown }>('SELECT metadata FROM tenants WHERE id = $1', [tenant.id]);
    expect(rows[0]!.metadata).toEqual({ cursor: 2 });
  });

  it('publishes dependent options from an init run, and the server then checks the child against the parent', async () => {
    const slug = await scriptIntegration(stack, 'food', {
      'PANDIUM.yaml': yaml(
        'node food.mjs',
        `configs:
  schema:
    type: object
    definitions:
      food_type_options: { enum: [placeholder] }
      favorite_food_options: { enum: [placeholder], dependsOn: food_type }
    properties:
      food_type: { type: string, $ref: '#/definitions/food_type_options' }
      favorite_food: { type: string, $ref: '#/definitions/favorite_food_options' }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Food type, scope: '#/properties/food_type' }
      - { type: Control, label: Favourite food, scope: '#/properties/favorite_food' }
`,
      ),
      'food.mjs': `if (process.env.PAN_CTX_RUN_MODE === 'init') console.log(JSON.stringify({
  food_type_options: ['Sweet', 'Savory'],
  favorite_food_options: { Sweet: ['Chocolate', 'Caramel'], Savory: ['Chips', 'Pizza'] },
  not_a_definition: 1,
})); else console.log('{}');`,
    });
    const jwt = await user();
    const tenant = await install(stack, jwt, slug);
    const { rows } = await stack.db.query<{ id: string }>("SELECT id FROM triggers WHERE tenant_id = $1 AND mode = 'init'", [tenant.id]);
    expect((await runOfTrigger(stack, rows[0]!.id)).status).toBe('Succeeded');
    const stored = await stack.db.query<{ dynamic_configs: Record<string, unknown> }>('SELECT dynamic_configs FROM tenants WHERE id = $1', [tenant.id]);
    expect(Object.keys(stored.rows[0]!.dynamic_configs).sort()).toEqual(['favorite_food_options', 'food_type_options']);
    const wrong = await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { configs: { food_type: 'Sweet', favorite_food: 'Pizza' } });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().errors[0].field).toBe('favorite_food');
    const right = await call(stack, 'PATCH', `/marketplace/tenants/${tenant.id}`, jwt, { configs: { food_type: 'Savory', favorite_food: 'Pizza' } });
    expect(right.statusCode, right.body).toBe(200);
    expect(right.json<Tenant>().configs).toMatchObject({ food_type: 'Savory', favorite_food: 'Pizza' });
  });
});

describe('a run over the time limit', () => {
  // A stack of its own with a short limit. The script is a shell's: it has said 'starting' within
  // milliseconds of its spawn, long before the limit, however busy the machine (node takes far longer).
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, runEngine: true, config: { runTimeoutMs: 1500 } });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('is killed: Failed (Timeout), said in the log', async () => {
    const slug = await scriptIntegration(limited, 'too-slow', {
      'PANDIUM.yaml': yaml('sh slow.sh'),
      'slow.sh': `echo starting >&2\nexec sleep 60\n`,
    });
    const jwt = await endUserToken(limited, 'engine-user-slow');
    const tenant = await install(limited, jwt, slug);
    const run = await runNow(limited, jwt, tenant.id);
    expect(run.status).toBe('Failed (Timeout)');
    const lines = await logLines(limited, run.id);
    expect(lines[0]).toBe('starting');
    expect(lines.some((l) => l.startsWith('[pan]') && /time limit/i.test(l))).toBe(true);
  });
});

describe('a large output', () => {
  it('is not passed on as context (it would not fit in a variable), and the run says so', async () => {
    const slug = await scriptIntegration(stack, 'big-output', {
      'PANDIUM.yaml': yaml('node big.mjs'),
      'big.mjs': `const last = process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT;
console.error('context: ' + (last === undefined ? 'absent' : last.length + ' bytes'));
console.log(JSON.stringify({ blob: 'x'.repeat(200 * 1024) }));`,
    });
    const jwt = await user();
    const tenant = await install(stack, jwt, slug);
    const first = await runNow(stack, jwt, tenant.id);
    expect(first.status).toBe('Succeeded');
    expect(first.output_note).toMatch(/over the \d+ that pass to the next run/);
    const second = await runNow(stack, jwt, tenant.id);
    expect(second.status).toBe('Succeeded');
    // No context kept: the variable is absent, as before any successful run (not empty).
    expect(await logLines(stack, second.id)).toContain('context: absent');
  });
});

// Last: it stops the stack's worker.
describe('a worker that vanishes', () => {
  it('has its run marked Lost once the lease expires, and the triggers run again', async () => {
    const jwt = await user();
    const slug = await scriptIntegration(stack, 'lost-and-found', { 'PANDIUM.yaml': yaml('node ok.mjs'), 'ok.mjs': 'console.log("{}")' });
    const tenant = await install(stack, jwt, slug);
    // A "worker" that claims and then dies: claim directly with a tiny lease, never renew it.
    await stack.engine!.worker!.stop();
    const triggerId = await insertTrigger(stack.db, { accountId: stack.accountId, tenantId: tenant.id, source: 'manual', mode: 'normal' });
    // A zero lease: expired as soon as it is taken (the clock moves on by the next statement).
    const claimed = await claimNextRun(stack.db, 'doomed-worker', 0);
    expect(claimed?.triggers.map((t) => t.id)).toEqual([triggerId]);
    expect(await sweepLostRuns(stack.db)).toEqual([claimed!.id]);
    const { rows } = await stack.db.query<{ status: string; run_id: string | null }>(
      'SELECT r.status, t.run_id FROM runs r, triggers t WHERE r.id = $1 AND t.id = $2',
      [claimed!.id, triggerId],
    );
    expect(rows[0]).toEqual({ status: 'Lost', run_id: null });
    // A live worker picks the trigger up again.
    const { startRunEngine } = await import('../../../src/modules/runs/engine.ts');
    const engine = await startRunEngine({ db: stack.db, box: stack.box, databaseUrl: stack.databaseUrl, config: stack.config, scheduler: false, pollMs: 200 });
    try {
      const rerun = await runOfTrigger(stack, triggerId);
      expect(rerun.status).toBe('Succeeded');
      expect(rerun.id).not.toBe(claimed!.id);
    } finally {
      await engine.stop();
    }
  });
});
