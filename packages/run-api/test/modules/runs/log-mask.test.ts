import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MASK, SecretMasker } from '../../../src/modules/runs/log-mask.ts';
import type { LogLine } from '../../../src/modules/runner/types.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';
import { call, endUserToken, install, logLines, runNow, scriptIntegration } from './run-support.ts';

/** A script that prints its own credentials: the stored and streamed log shows `***` instead. */
let stack: TestStack;
const API_KEY = 'sk_live_Zq9/+8xY"w&z';
const ACCOUNT_ID = 'acct-4711';

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), runEngine: true, listen: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('run log masking', () => {
  it('masks every secret field in the forms a script prints it, and keeps fields marked secret: false', async () => {
    const connector = await stack.app.inject({
      method: 'PUT',
      url: '/v2/connectors/mask-billing',
      headers: { 'x-api-key': stack.apiKey },
      payload: {
        type: 'api_key',
        display_name: 'Billing',
        fields: [
          { name: 'api_key', label: 'API key' },
          { name: 'account_id', label: 'Account', secret: false },
        ],
      },
    });
    expect(connector.statusCode, connector.body).toBe(200);
    await scriptIntegration(stack, 'mask-probe', {
      'PANDIUM.yaml': 'version: 0.4\nbase: node:20\nrun: node index.mjs\nconnectors: [mask-billing]\n',
      'index.mjs': `const key = process.env['PAN_SEC_MASK-BILLING_API_KEY'];
const account = process.env['PAN_SEC_MASK-BILLING_ACCOUNT_ID'];
console.error('plain: ' + key);
console.error('json: ' + JSON.stringify({ key }));
console.error('url: https://billing.example/?key=' + encodeURIComponent(key));
console.error('base64: ' + Buffer.from(key).toString('base64'));
console.error('account: ' + account);
console.log(JSON.stringify({ ok: true }));
`,
    });
    const token = await endUserToken(stack, 'masha');
    const tenant = await install(stack, token, 'mask-probe');
    const connected = await call(stack, 'PUT', '/marketplace/connections/mask-billing', token, { fields: { api_key: API_KEY, account_id: ACCOUNT_ID } });
    expect(connected.statusCode, connected.body).toBe(200);

    const run = await runNow(stack, token, tenant.id);
    expect(run.status).toBe('Succeeded');
    const lines = await logLines(stack, run.id);
    expect(lines).toEqual(['plain: ***', 'json: {"key":"***"}', 'url: https://billing.example/?key=***', 'base64: ***', `account: ${ACCOUNT_ID}`]);

    const text = await call(stack, 'GET', `/marketplace/runs/${run.id}/log`, token);
    expect(text.body).toContain('plain: ***');
    expect(text.body).not.toContain('Zq9');
  });

  it('masks the other encodings, a secret split across two lines, the output note and a synchronous answer', async () => {
    await scriptIntegration(stack, 'mask-encodings', {
      'PANDIUM.yaml': 'version: 0.4\nbase: node:20\nrun: node index.mjs\nconnectors: [mask-billing]\n',
      'index.mjs': `const key = process.env['PAN_SEC_MASK-BILLING_API_KEY'];
const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]');
console.error('basic: Authorization: Basic ' + Buffer.from('user:' + key).toString('base64'));
console.error('form: ' + new URLSearchParams({ a: 'b', key }));
console.error('hex: ' + Buffer.from(key).toString('hex'));
console.error('json twice: ' + JSON.stringify(JSON.stringify({ key })));
process.stderr.write('split: ' + key.slice(0, 9) + '\\n');
process.stderr.write(key.slice(9) + ' (rest)\\n');
if (triggers.some((t) => t.source === 'webhook')) console.log(JSON.stringify({ echoed: key, auth: 'Bearer ' + key }));
else console.log('x'.repeat(70) + ' ' + key + ' and more');
`,
    });
    const token = await endUserToken(stack, 'encodings-user');
    const connected = await call(stack, 'PUT', '/marketplace/connections/mask-billing', token, { fields: { api_key: API_KEY, account_id: ACCOUNT_ID } });
    expect(connected.statusCode, connected.body).toBe(200);
    const tenant = await install(stack, token, 'mask-encodings');

    const run = await runNow(stack, token, tenant.id);
    expect(run.status).toBe('Succeeded');
    const lines = await logLines(stack, run.id);
    // Base64 keeps the characters that mix the secret's first and last bits with its neighbours'.
    expect(lines[0]).toMatch(/^basic: Authorization: Basic [\w+/]{0,7}\*\*\*[\w+/]?=*$/);
    expect(lines.slice(1)).toEqual([
      'form: a=b&key=***',
      'hex: ***',
      'json twice: "{\\"key\\":\\"***\\"}"',
      'split: ***',
      '*** (rest)',
      `[pan] the last output on stdout is not JSON: ${'x'.repeat(70)} ***`,
    ]);
    expect(run.output_note).toBe(`the last output on stdout is not JSON: ${'x'.repeat(70)} ***`);
    const shown = await call(stack, 'GET', `/marketplace/runs/${run.id}`, token);
    expect(shown.json().output_note).toBe(run.output_note);

    const hook = (await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, token)).json<{ url: string }>();
    const answer = await stack.app.inject({
      method: 'POST',
      url: new URL(hook.url).pathname,
      payload: '{}',
      headers: { 'content-type': 'application/json', 'pan-synchronous': 'true' },
    });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toEqual({ echoed: '***', auth: 'Bearer ***' });
    // The next run's context keeps the output as printed: the secret is that run's own.
    const { rows } = await stack.db.query<{ last_successful_stdout: string }>('SELECT last_successful_stdout FROM tenants WHERE id = $1', [tenant.id]);
    expect(JSON.parse(rows[0]!.last_successful_stdout)).toEqual({ echoed: API_KEY, auth: `Bearer ${API_KEY}` });
  });

  it('leaves short values and unrelated text alone', () => {
    const masker = SecretMasker.for(['abc', 'longer-secret'])!;
    expect(masker.text('abc and longer-secret and longer-secret-tail')).toBe('abc and *** and ***-tail');
    expect(SecretMasker.for(['ab', ''])).toBeUndefined();
  });
});

/** Feeds `batches` of lines through one run's line masker and returns every line it gives back. */
function streamed(masker: SecretMasker, batches: string[][]): string[] {
  const lines = masker.lines();
  const at = new Date();
  let seq = 0;
  const out: LogLine[] = [];
  for (const batch of batches) out.push(...lines.push(batch.map((line) => ({ seq: (seq += 1), at, line }))));
  out.push(...lines.flush());
  expect(out.map((l) => l.seq), 'every line, once, in order').toEqual(Array.from({ length: seq }, (_, i) => i + 1));
  return out.map((l) => l.line);
}

describe('the encodings a secret is printed in', () => {
  const secret = 'pa ss/wörd+"x&y=z';
  const masker = SecretMasker.for([secret])!;
  const forms: Array<[string, string]> = [
    ['as is', secret],
    ['JSON', JSON.stringify({ secret })],
    ['JSON twice', JSON.stringify(JSON.stringify({ secret }))],
    ['JSON with \\/ (PHP)', JSON.stringify({ secret }).replaceAll('/', '\\/')],
    ['JSON with \\uXXXX (Python)', JSON.stringify({ secret }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)],
    ['URL-encoded', `https://x.example/?s=${encodeURIComponent(secret)}`],
    ['form-encoded', new URLSearchParams({ user: 'u', secret }).toString()],
    ['form-encoded, lower-case escapes', new URLSearchParams({ secret }).toString().replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())],
    ['hex', Buffer.from(secret).toString('hex')],
    ['HEX', Buffer.from(secret).toString('hex').toUpperCase()],
    ['base64', Buffer.from(secret).toString('base64')],
    ...['', 'u', 'us', 'use', 'a-longer-user'].map((user): [string, string] => [
      `Basic auth, user "${user}"`,
      `Authorization: Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
    ]),
    ['Basic auth, the secret as the user', `Authorization: Basic ${Buffer.from(`${secret}:x`).toString('base64')}`],
    ['base64url inside more bytes', Buffer.from(`{"k":"${secret}","n":1}`).toString('base64url')],
  ];

  it.each(forms)('%s', (_name, printed) => {
    const masked = masker.text(printed);
    expect(masked).toContain(MASK);
    // Nothing that still decodes to the secret, or to most of it, is left.
    for (const decoded of [masked, Buffer.from(masked.replace(/^.*Basic /, ''), 'base64').toString('latin1'), Buffer.from(masked, 'hex').toString('latin1')]) {
      expect(decoded).not.toContain('ss/w');
    }
    expect(masked).not.toMatch(/ss%2Fw|ss\\\/w|7373/i);
  });

  it('keeps JSON output valid JSON', () => {
    const output = JSON.stringify({ token: secret, list: [`Bearer ${secret}`], [secret]: 1 });
    const masked = masker.json(output);
    expect(JSON.parse(masked)).toEqual({ token: MASK, list: [`Bearer ${MASK}`], [MASK]: 1 });
    // A secret that spans JSON syntax, or is a number: nothing is risked.
    expect(SecretMasker.for(['","b":"'])!.json('{"a":"","b":""}')).not.toContain('"b"');
    expect(SecretMasker.for(['31415926'])!.json('{"pin":31415926}')).toBe(JSON.stringify(MASK));
  });
});

describe('a secret split across lines', () => {
  const secret = 'sk_live_0123456789abcdef';
  const masker = SecretMasker.for([secret])!;

  it('is masked on both lines, wherever it is split and however the lines are batched', () => {
    for (let cut = 1; cut < secret.length; cut += 1) {
      const first = `token=${secret.slice(0, cut)}`;
      const second = `${secret.slice(cut)} (end)`;
      for (const batches of [[[first, second]], [[first], [second]], [['before', first], [second, 'after']]]) {
        const out = streamed(masker, batches).filter((line) => line !== 'before' && line !== 'after');
        // Fewer than MIN_SECRET_LENGTH characters on the first line stay, as a secret that short would.
        expect(out, `cut at ${cut}`).toEqual([cut < 4 ? first : `token=${MASK}`, `${MASK} (end)`]);
      }
    }
  });

  it('is masked in a base64 block wrapped at 76 characters (as `base64` prints it)', () => {
    const block = Buffer.from(`${'x'.repeat(70)}:${secret}:${'y'.repeat(40)}`).toString('base64');
    const wrapped = block.match(/.{1,76}/g)!;
    const out = streamed(masker, wrapped.map((line) => [line]));
    const kept = Buffer.from(out.join('').replaceAll(MASK, ''), 'base64').toString('latin1');
    expect(kept).not.toContain('0123');
    expect(out.join('')).toContain(MASK);
  });

  it('masks the start of a secret a line ends with when the rest never comes, and holds no line longer than that', () => {
    expect(streamed(masker, [['one'], [`cut ${secret.slice(0, 10)}`], ['something else']])).toEqual(['one', `cut ${MASK}`, 'something else']);
    expect(streamed(masker, [[`last ${secret.slice(0, 10)}`]])).toEqual([`last ${MASK}`]);
    // A line that does not end like a secret is given back at once.
    const lines = masker.lines();
    expect(lines.push([{ seq: 1, at: new Date(), line: 'plain text' }]).map((l) => l.line)).toEqual(['plain text']);
    expect(lines.push([{ seq: 2, at: new Date(), line: `ends with ${secret.slice(0, 6)}` }])).toEqual([]);
    expect(lines.push([{ seq: 3, at: new Date(), line: 'next' }]).map((l) => l.line)).toEqual([`ends with ${MASK}`, 'next']);
  });

  it('masks the output note where it cuts a secret at its 80th character', () => {
    const line = `${'x'.repeat(70)} ${secret} and more`;
    const note = `the last output on stdout is not JSON: ${line.slice(0, 80)}`;
    expect(masker.note(note)).toBe(`the last output on stdout is not JSON: ${'x'.repeat(70)} ${MASK}`);
    expect(masker.note(`${note} (stdout was cut after 10 bytes)`)).toBe(`the last output on stdout is not JSON: ${'x'.repeat(70)} ${MASK} (stdout was cut after 10 bytes)`);
  });
});
