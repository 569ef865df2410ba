import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { publicIdSchema, resolvePublicIds } from '../../src/http/host-ids.ts';
import { installErrorHandler } from '../../src/platform/error-handler.ts';
import { createOtherAccount, startTestStack, type TestStack } from '../support/index.ts';
import { endUserToken, install } from '../modules/runs/run-support.ts';

/**
 * The host API's public integer ids: the one hook that maps them to internal UUIDs, scoped by
 * account, on a small app of its own (the hook as host.ts installs it, a route that echoes it).
 */
let stack: TestStack;
let app: FastifyInstance;
let otherAccountId: string;
let tenant: { id: string; num_id: number };

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedReleases: true, listen: false });
  const { id } = await install(stack, await endUserToken(stack, 'ann'), 'hubspot-contacts', { direction: 'both' });
  const { rows } = await stack.db.query<{ num_id: string }>('SELECT num_id FROM tenants WHERE id = $1', [id]);
  tenant = { id, num_id: Number(rows[0]!.num_id) };
  otherAccountId = (await createOtherAccount(stack)).id;

  app = Fastify();
  app.decorate('db', stack.db);
  app.decorateRequest('hostAccount', null as never);
  app.decorateRequest('internalIds', null as never);
  installErrorHandler(app);
  // The account comes from a header here; in the server, from the API key (hooks.ts).
  app.addHook('onRequest', async (request) => {
    request.hostAccount = { accountId: request.headers['x-account'] === 'other' ? otherAccountId : stack.accountId };
  });
  app.addHook('preHandler', resolvePublicIds);
  app.post(
    '/tenants/:id',
    {
      config: { publicIds: { params: { id: 'tenant' }, body: { integration_id: 'integration', release_id: 'release' } } },
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: publicIdSchema } },
        body: { type: 'object', properties: { integration_id: publicIdSchema, release_id: publicIdSchema } },
      },
    },
    async (request) => request.internalIds,
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

const post = (path: string, body: object = {}, account: 'own' | 'other' = 'own') =>
  app.inject({ method: 'POST', url: path, headers: { 'x-account': account }, payload: body });

describe('public integer ids at the host boundary', () => {
  it('gives the handler the UUIDs of the ids in the path and the body', async () => {
    const { rows } = await stack.db.query<{ integration_id: string; integration_num: string; release_id: string; release_num: string }>(
      `SELECT i.id AS integration_id, i.num_id AS integration_num, r.id AS release_id, r.num_id AS release_num
         FROM integrations i JOIN releases r ON r.integration_id = i.id
        WHERE i.account_id = $1 AND i.slug = 'hubspot-contacts' LIMIT 1`,
      [stack.accountId],
    );
    const row = rows[0]!;
    const response = await post(`/tenants/${tenant.num_id}`, { integration_id: Number(row.integration_num), release_id: Number(row.release_num) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ id: tenant.id, integration_id: row.integration_id, release_id: row.release_id });
  });

  it("answers another account's id exactly as an id that does not exist", async () => {
    const { rows } = await stack.db.query<{ max: string }>('SELECT max(num_id) AS max FROM tenants');
    const nobodys = await post(`/tenants/${Number(rows[0]!.max) + 1000}`);
    const others = await post(`/tenants/${tenant.num_id}`, {}, 'other');
    expect(others.statusCode).toBe(404);
    expect(nobodys.statusCode).toBe(404);
    expect(others.json()).toEqual(nobodys.json());
    expect(others.json().code).toBe('PAN_ERR_NOT_FOUND');
  });

  it('refuses what is not a positive integer with 400 naming the field', async () => {
    for (const id of ['0', '-3', '1.5', 'abc', tenant.id, '9007199254740993']) {
      const response = await post(`/tenants/${id}`);
      expect(response.statusCode, id).toBe(400);
      expect(response.json().errors[0].field, id).toBe('id');
    }
  });
});
