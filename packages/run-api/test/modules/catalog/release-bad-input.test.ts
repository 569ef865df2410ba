import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packReleaseDirectory } from '../../../../cli/src/release-archive.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';

/**
 * Issue 4 "Bad input", release side: a PANDIUM.yaml whose settings form cannot be built (a Control
 * pointing at a missing property, a `$ref` to a missing definition, `dependsOn` a missing parent)
 * is refused when the release is pushed, with the line, and nothing is stored.
 */

let stack: TestStack;
let tmp: string;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pan-release-bad-input-'));
  const put = await stack.app.inject({
    method: 'PUT',
    url: '/v2/integrations/bad-input',
    headers: { 'x-api-key': stack.apiKey },
    payload: { name: 'Bad Input', type: 'internal' },
  });
  expect(put.statusCode).toBe(200);
});

afterAll(async () => {
  await stack?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let count = 0;
async function push(yaml: string) {
  const dir = path.join(tmp, `r${(count += 1)}`);
  await mkdir(dir);
  await writeFile(path.join(dir, 'PANDIUM.yaml'), yaml);
  await writeFile(path.join(dir, 'index.js'), 'console.log("{}")\n');
  return stack.app.inject({
    method: 'POST',
    url: '/v2/integrations/bad-input/releases',
    headers: { 'x-api-key': stack.apiKey, 'content-type': 'application/gzip' },
    payload: await packReleaseDirectory(dir),
  });
}

const releaseCount = async () =>
  Number((await stack.db.query("SELECT count(*) FROM releases r JOIN integrations i ON i.id = r.integration_id WHERE i.slug = 'bad-input'")).rows[0].count);

const cases: [string, string, number, RegExp][] = [
  [
    'a Control scope to a missing property',
    `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    properties:
      channel: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - type: Control
        scope: '#/properties/chanel'
`,
    12,
    /missing property `chanel`.*did you mean `channel`/,
  ],
  [
    'a $ref to a missing definition',
    `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    definitions:
      channels: { enum: [placeholder] }
    properties:
      channel: { type: string, $ref: '#/definitions/chanels' }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/channel' }
`,
    9,
    /chanels/,
  ],
  [
    'dependsOn a missing parent',
    `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    definitions:
      foods: { enum: [placeholder], dependsOn: food_kind }
    properties:
      food: { type: string, $ref: '#/definitions/foods' }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, scope: '#/properties/food' }
`,
    7,
    /food_kind/,
  ],
];

describe('a release whose settings form cannot be built is refused with the line', () => {
  for (const [what, yaml, line, message] of cases) {
    it(what, async () => {
      const response = await push(yaml);
      expect(response.statusCode, response.body).toBe(422);
      const body = response.json<{ code: string; message: string; errors: { line: number; message: string }[] }>();
      expect(body.code).toBe('PAN_ERR_RELEASE_INVALID_PANDIUM_YAML');
      expect(body.errors).toContainEqual(expect.objectContaining({ line, message: expect.stringMatching(message) }));
      expect(body.message).toContain(`PANDIUM.yaml:${line}:`);
      expect(await releaseCount()).toBe(0);
    });
  }
});

describe('a release that names a connector the account has not defined', () => {
  it('is refused with the line of that connector, and accepted once it is defined', async () => {
    const yaml = `version: 1.0
run: node index.js
connectors:
  - acme-crm
  - acme-billing
`;
    const defined = await stack.app.inject({
      method: 'PUT',
      url: '/v2/connectors/acme-crm',
      headers: { 'x-api-key': stack.apiKey },
      payload: { type: 'oauth2', display_name: 'Acme CRM', issuer: 'https://crm.acme.test', client_id: 'pan', client_secret: 'shh' },
    });
    expect(defined.statusCode, defined.body).toBe(200);
    expect(defined.json()).toMatchObject({ name: 'acme-crm', client_secret_set: true });
    expect(defined.body).not.toContain('shh');

    const refused = await push(yaml);
    expect(refused.statusCode, refused.body).toBe(422);
    const body = refused.json<{ code: string; message: string; errors: { line: number; message: string }[] }>();
    expect(body.code).toBe('PAN_ERR_RELEASE_UNKNOWN_CONNECTOR');
    expect(body.errors).toEqual([expect.objectContaining({ line: 5, message: expect.stringContaining('"acme-billing" is not defined') })]);
    expect(body.message).toContain('PANDIUM.yaml:5:5:');
    expect(await releaseCount()).toBe(0);

    const billing = await stack.app.inject({
      method: 'PUT',
      url: '/v2/connectors/acme-billing',
      headers: { 'x-api-key': stack.apiKey },
      payload: { type: 'api_key', display_name: 'Acme Billing', fields: [{ name: 'api_key', label: 'API key' }] },
    });
    expect(billing.statusCode, billing.body).toBe(200);
    expect((await push(yaml)).statusCode).toBe(201);
    expect(await releaseCount()).toBe(1);
  });

  it('refuses a connector definition that cannot work', async () => {
    const noEndpoints = await stack.app.inject({
      method: 'PUT',
      url: '/v2/connectors/broken',
      headers: { 'x-api-key': stack.apiKey },
      payload: { type: 'oauth2', display_name: 'Broken', client_id: 'x' },
    });
    expect(noEndpoints.statusCode).toBe(400);
    const noFields = await stack.app.inject({
      method: 'PUT',
      url: '/v2/connectors/broken',
      headers: { 'x-api-key': stack.apiKey },
      payload: { type: 'api_key', display_name: 'Broken', fields: [] },
    });
    expect(noFields.statusCode).toBe(400);
  });
});
