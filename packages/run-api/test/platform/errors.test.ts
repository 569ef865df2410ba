import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/index.ts';

/**
 * The one error handler: every failure answers JSON with a catalogue code, Fastify's own errors
 * are mapped onto it, nothing is stored by a refused request, and a 5xx never shows internals.
 * Also CORS (preflight per configured origin) and `/health`.
 */

let stack: TestStack;
let limited: TestStack;

const INTERNAL_DETAIL = 'connection to 10.0.0.7:5432 failed for user "pan_admin"';

beforeAll(async () => {
  [stack, limited] = await Promise.all([
    startTestStack({
      clusterUrl: inject('pgClusterUrl'),
      listen: false,
      config: { corsOrigins: ['http://host.example'] },
    }),
    startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, config: { bodyLimit: 1024 } }),
  ]);
  // A route that fails the way a bug would: the handler must not pass the message on.
  stack.app.get('/test-only/boom', async () => {
    throw new Error(INTERNAL_DETAIL);
  });
});

afterAll(async () => {
  await Promise.all([stack?.stop(), limited?.stop()]);
});

async function categoryCount(target: TestStack): Promise<number> {
  const { rows } = await target.db.query<{ n: number }>('SELECT count(*)::int AS n FROM categories WHERE account_id = $1', [target.accountId]);
  return rows[0]!.n;
}

function putCategories(target: TestStack, payload: string | Buffer, contentType = 'application/json') {
  return target.app.inject({
    method: 'PUT',
    url: '/v2/marketplace/categories',
    headers: { 'x-api-key': target.apiKey, 'content-type': contentType },
    payload,
  });
}

describe('not found', () => {
  it.each(['/nope', '/marketplace/nope', '/v2/nope'])('%s is 404 JSON PAN_ERR_ROUTE_NOT_FOUND', async (url) => {
    const response = await stack.app.inject({ method: 'GET', url: `${url}?x=1` });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'PAN_ERR_ROUTE_NOT_FOUND',
      error: 'Not Found',
      message: `No route GET ${url}`,
    });
  });

  it('a known path with another method is 404 too', async () => {
    const response = await stack.app.inject({ method: 'DELETE', url: '/health' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('PAN_ERR_ROUTE_NOT_FOUND');
  });
});

describe('request bodies', () => {
  it('a well-formed body is stored (control)', async () => {
    const response = await putCategories(stack, JSON.stringify({ categories: [{ slug: 'crm', name: 'CRM' }] }));
    expect(response.statusCode, response.body).toBe(200);
    expect(await categoryCount(stack)).toBe(1);
  });

  it('malformed JSON is 400 PAN_ERR_REQUEST_MALFORMED_JSON and stores nothing', async () => {
    const response = await putCategories(stack, '{"categories": [{"slug": "messaging", ');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, code: 'PAN_ERR_REQUEST_MALFORMED_JSON', error: 'Bad Request' });
    expect(await categoryCount(stack)).toBe(1);
  });

  it('an empty JSON body is 400 PAN_ERR_REQUEST_MALFORMED_JSON', async () => {
    const response = await putCategories(stack, '');
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAN_ERR_REQUEST_MALFORMED_JSON');
    expect(await categoryCount(stack)).toBe(1);
  });

  it('a body that fails the schema is 400 PAN_ERR_REQUEST_INVALID with the fields', async () => {
    const response = await putCategories(stack, JSON.stringify({ categories: [{ slug: 'ok' }] }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'PAN_ERR_REQUEST_INVALID',
      errors: [expect.objectContaining({ message: expect.any(String) })],
    });
    expect(await categoryCount(stack)).toBe(1);
  });

  it('a JSON body over bodyLimit is 413 PAN_ERR_REQUEST_TOO_LARGE and stores nothing', async () => {
    const categories = Array.from({ length: 40 }, (_, i) => ({ slug: `category-${i}`, name: `Category number ${i}` }));
    const payload = JSON.stringify({ categories });
    expect(payload.length).toBeGreaterThan(1024);
    const response = await putCategories(limited, payload);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'PAN_ERR_REQUEST_TOO_LARGE', error: 'Payload Too Large' });
    expect(await categoryCount(limited)).toBe(0);
  });

  it('a JSON body under bodyLimit passes on the same stack (control)', async () => {
    const response = await putCategories(limited, JSON.stringify({ categories: [{ slug: 'crm', name: 'CRM' }] }));
    expect(response.statusCode, response.body).toBe(200);
    expect(await categoryCount(limited)).toBe(1);
  });

  it('an unsupported content type is 415 PAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE and stores nothing', async () => {
    const response = await putCategories(stack, '<categories><category slug="x"/></categories>', 'application/xml');
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      statusCode: 415,
      code: 'PAN_ERR_REQUEST_UNSUPPORTED_MEDIA_TYPE',
      error: 'Unsupported Media Type',
    });
    expect(await categoryCount(stack)).toBe(1);
  });
});

describe('5xx', () => {
  it('answers PAN_ERR_INTERNAL without the internal message, and logs it', async () => {
    const response = await stack.app.inject({ method: 'GET', url: '/test-only/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      statusCode: 500,
      code: 'PAN_ERR_INTERNAL',
      error: 'Internal Server Error',
      message: 'Something went wrong on our side',
    });
    expect(response.body).not.toContain('10.0.0.7');
    expect(response.body).not.toContain('pan_admin');
    // The log keeps what the answer hides, for whoever runs the server.
    const logged = stack.logLines.map((line) => JSON.parse(line) as { level: number; err?: { message?: string } });
    expect(logged.some((entry) => entry.level >= 50 && entry.err?.message === INTERNAL_DETAIL)).toBe(true);
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    stack.app.inject({
      method: 'OPTIONS',
      url: '/marketplace/catalog',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

  it('a preflight from a configured origin is allowed', async () => {
    const response = await preflight('http://host.example');
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://host.example');
    expect(String(response.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect(String(response.headers['access-control-allow-methods'])).toContain('GET');
    expect(response.headers['access-control-max-age']).toBe('600');
  });

  it('a preflight from another origin gets no allow headers', async () => {
    // Without Access-Control-Allow-Origin the browser refuses the actual request.
    const response = await preflight('http://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('an actual request from the configured origin carries the allow-origin header, another origin does not', async () => {
    const ok = await stack.app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://host.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('http://host.example');
    const other = await stack.app.inject({ method: 'GET', url: '/health', headers: { origin: 'http://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('no configured origin allows none', async () => {
    const none = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, config: { corsOrigins: [] } });
    try {
      const response = await none.app.inject({
        method: 'OPTIONS',
        url: '/marketplace/catalog',
        headers: { origin: 'http://host.example', 'access-control-request-method': 'GET' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await none.stop();
    }
  });
});

describe('/health', () => {
  it('answers 200 {ok: true} without credentials', async () => {
    const response = await stack.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });
});
