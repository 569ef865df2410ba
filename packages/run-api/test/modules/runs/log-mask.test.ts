import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { logMasker } from '../../../src/modules/runs/log-mask.ts';
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

  it('leaves short values and unrelated text alone', () => {
    const mask = logMasker(['abc', 'longer-secret'])!;
    const at = new Date();
    expect(mask([{ seq: 1, at, line: 'abc and longer-secret and longer-secret-tail' }]).map((l) => l.line)).toEqual([
      'abc and *** and ***-tail',
    ]);
    expect(logMasker(['ab', ''])).toBeUndefined();
  });
});
