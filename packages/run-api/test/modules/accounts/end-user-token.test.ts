import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { upsertAccount } from '../../../src/modules/accounts/store.ts';
import { LOOPBACK_EGRESS_ALLOW, seedFixtureCatalog, startTestStack, type TestStack } from '../../support/index.ts';

/**
 * The end-user token vectors: every refused token answers 401 with its code, the valid
 * controls answer 200, nothing is fetched from a header-supplied URL, and no log line holds a token.
 */

const AUDIENCE = 'pan-marketplace';
let stack: TestStack;
let hsSecret: Uint8Array;
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
let ed: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwksRsa: { privateKey: CryptoKey; publicKey: CryptoKey };
let attacker: { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK };
let rsaPublicPem: string;
let rs384: CryptoKey;

// A host serving the JWKS of the account that uses one, and an attacker's host that must never be called.
const hits = { jwks: 0, attacker: 0 };
let jwksServer: http.Server;
let attackerServer: http.Server;
let jwksUrl: string;
let attackerUrl: string;

const ISS = { multi: 'acct-multi', rsOnly: 'acct-rs-only', jwks: 'acct-jwks' };
const usedTokens: string[] = [];

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), seedCatalog: true, listen: false, config: { egressAllow: LOOPBACK_EGRESS_ALLOW } });
  hsSecret = crypto.getRandomValues(new Uint8Array(32));
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  ed = await generateKeyPair('EdDSA', { extractable: true });
  jwksRsa = await generateKeyPair('RS256', { extractable: true });
  const attackerPair = await generateKeyPair('RS256', { extractable: true });
  attacker = { ...attackerPair, jwk: { ...(await exportJWK(attackerPair.publicKey)), kid: 'attacker', alg: 'RS256' } };
  rsaPublicPem = await exportSPKI(rsa.publicKey);
  rs384 = (await generateKeyPair('RS384')).privateKey;

  const jwks = { keys: [{ ...(await exportJWK(jwksRsa.publicKey)), kid: 'jwks-1', alg: 'RS256', use: 'sig' }] };
  jwksServer = http.createServer((_req, res) => {
    hits.jwks += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(jwks));
  });
  attackerServer = http.createServer((_req, res) => {
    hits.attacker += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [attacker.jwk] }));
  });
  jwksUrl = `${await listen(jwksServer)}/.well-known/jwks.json`;
  attackerUrl = `${await listen(attackerServer)}/jwks.json`;

  const multi = await upsertAccount(stack.db, stack.box, {
    slug: 'multi',
    name: 'Every algorithm',
    jwtIssuer: ISS.multi,
    jwtAudience: AUDIENCE,
    jwtAlgorithms: ['HS256', 'RS256', 'ES256', 'EdDSA'],
    hs256Secret: Buffer.from(hsSecret),
    publicKeys: [
      { kid: 'rsa-1', alg: 'RS256', jwk: await exportJWK(rsa.publicKey) },
      { kid: 'ec-1', alg: 'ES256', jwk: await exportJWK(ec.publicKey) },
      { kid: 'ed-1', alg: 'EdDSA', jwk: await exportJWK(ed.publicKey) },
    ],
  });
  await upsertAccount(stack.db, stack.box, {
    slug: 'rs-only',
    name: 'RS256 only',
    jwtIssuer: ISS.rsOnly,
    jwtAudience: AUDIENCE,
    jwtAlgorithms: ['RS256'],
    publicKeys: [{ kid: 'rsa-1', alg: 'RS256', jwk: await exportJWK(rsa.publicKey) }],
  });
  const remote = await upsertAccount(stack.db, stack.box, {
    slug: 'jwks',
    name: 'Remote key set',
    jwtIssuer: ISS.jwks,
    jwtAudience: AUDIENCE,
    jwtAlgorithms: ['RS256'],
    jwksUrl,
  });
  await seedFixtureCatalog(stack.db, multi);
  await seedFixtureCatalog(stack.db, remote);
});

afterAll(async () => {
  await stack?.stop();
  jwksServer?.close();
  attackerServer?.close();
});

const now = () => Math.floor(Date.now() / 1000);

interface Claims {
  iss?: string;
  aud?: string;
  sub?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
  [claim: string]: unknown;
}

function claims(overrides: Claims = {}, omit: (keyof Claims)[] = []): Claims {
  const base: Claims = { iss: ISS.multi, aud: AUDIENCE, sub: 'user-1', iat: now(), exp: now() + 300, ...overrides };
  for (const key of omit) delete base[key];
  return base;
}

type Signer = () => Promise<string>;

const sign = (alg: string, key: CryptoKey | Uint8Array, payload: Claims, header: Record<string, unknown> = {}): Promise<string> =>
  new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(key);

const hs = (payload = claims(), header = {}) => sign('HS256', hsSecret, payload, header);
const rs = (payload = claims(), header: Record<string, unknown> = { kid: 'rsa-1' }) => sign('RS256', rsa.privateKey, payload, header);

interface Vector {
  name: string;
  token: Signer;
  /** Where the token goes; the header unless said otherwise. */
  url?: (token: string) => string;
  header?: (token: string) => Record<string, string>;
  code: string;
}

const vectors: Vector[] = [
  { name: 'alg none (unsigned)', token: async () => new UnsecuredJWT(claims()).encode(), code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED' },
  {
    name: 'alg "None" with a fake signature',
    token: async () => {
      const [, body] = (await hs()).split('.');
      return `${Buffer.from('{"alg":"None","typ":"JWT"}').toString('base64url')}.${body}.c2ln`;
    },
    code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 signed with the RSA public key (account allows HS256 and RS256)',
    token: () => sign('HS256', new TextEncoder().encode(rsaPublicPem), claims()),
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  {
    name: 'HS256 signed with the RSA public key (account allows RS256 only)',
    token: () => sign('HS256', new TextEncoder().encode(rsaPublicPem), claims({ iss: ISS.rsOnly })),
    code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'algorithm outside the allow-list (ES256 for an RS256-only account)',
    token: () => sign('ES256', ec.privateKey, claims({ iss: ISS.rsOnly }), { kid: 'ec-1' }),
    code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'algorithm outside the allow-list (RS256 for the HS256-only test account)',
    token: () => rs(claims({ iss: stack.issuer })),
    code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED',
  },
  { name: 'unsupported algorithm (RS384)', token: () => sign('RS384', rs384, claims(), { kid: 'rsa-1' }), code: 'PAN_ERR_AUTH_ALG_NOT_ALLOWED' },
  { name: 'wrong aud', token: () => hs(claims({ aud: 'someone-else' })), code: 'PAN_ERR_AUTH_BAD_AUDIENCE' },
  { name: 'wrong iss (no such account)', token: () => hs(claims({ iss: 'acct-nobody' })), code: 'PAN_ERR_AUTH_UNKNOWN_ISSUER' },
  {
    name: 'iss of another account, signed with this account\'s secret',
    token: () => hs(claims({ iss: stack.issuer })),
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  { name: 'unknown kid (registered keys)', token: () => rs(claims(), { kid: 'rsa-404' }), code: 'PAN_ERR_AUTH_UNKNOWN_KID' },
  {
    name: 'unknown kid (JWKS URL)',
    token: () => sign('RS256', attacker.privateKey, claims({ iss: ISS.jwks }), { kid: 'attacker' }),
    code: 'PAN_ERR_AUTH_UNKNOWN_KID',
  },
  {
    name: 'known kid (JWKS URL), wrong key',
    token: () => sign('RS256', attacker.privateKey, claims({ iss: ISS.jwks }), { kid: 'jwks-1' }),
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  { name: 'expired (beyond the 30 s tolerance)', token: () => hs(claims({ iat: now() - 300, exp: now() - 60 })), code: 'PAN_ERR_AUTH_TOKEN_EXPIRED' },
  { name: 'nbf in the future', token: () => hs(claims({ nbf: now() + 120 })), code: 'PAN_ERR_AUTH_NOT_YET_VALID' },
  { name: 'iat too old', token: () => hs(claims({ iat: now() - 16 * 60, exp: now() + 60 })), code: 'PAN_ERR_AUTH_TOKEN_TOO_OLD' },
  { name: 'iat in the future', token: () => hs(claims({ iat: now() + 600, exp: now() + 900 })), code: 'PAN_ERR_AUTH_CLAIM_INVALID' },
  { name: 'lifetime over 15 minutes', token: () => hs(claims({ iat: now(), exp: now() + 16 * 60 })), code: 'PAN_ERR_AUTH_LIFETIME_TOO_LONG' },
  ...(['aud', 'iss', 'exp', 'sub', 'iat'] as const).map((claim) => ({
    name: `"${claim}" missing`,
    token: () => hs(claims({}, [claim])),
    code: 'PAN_ERR_AUTH_CLAIM_MISSING',
  })),
  { name: 'empty sub', token: () => hs(claims({ sub: '' })), code: 'PAN_ERR_AUTH_CLAIM_INVALID' },
  { name: 'malformed xti', token: () => hs(claims({ xti: { hidden_integrations: 'all' } })), code: 'PAN_ERR_AUTH_CLAIM_INVALID' },
  {
    name: 'jku header to an attacker key set (ignored, never fetched)',
    token: () => sign('RS256', attacker.privateKey, claims(), { kid: 'attacker', jku: attackerUrl }),
    code: 'PAN_ERR_AUTH_UNKNOWN_KID',
  },
  {
    name: 'x5u header to an attacker URL (ignored, never fetched)',
    token: () => sign('RS256', attacker.privateKey, claims(), { kid: 'rsa-1', x5u: attackerUrl }),
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  {
    name: 'jwk header embedding the attacker key (ignored: the registered key is used)',
    token: () => sign('RS256', attacker.privateKey, claims(), { jwk: attacker.jwk }),
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  {
    name: 'jku header on the JWKS account (ignored, only the registered URL is used)',
    token: () => sign('RS256', attacker.privateKey, claims({ iss: ISS.jwks }), { kid: 'attacker', jku: attackerUrl }),
    code: 'PAN_ERR_AUTH_UNKNOWN_KID',
  },
  {
    name: 'tampered payload',
    token: async () => {
      const [head, , sig] = (await hs()).split('.');
      const body = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
      return `${head}.${body}.${sig}`;
    },
    code: 'PAN_ERR_AUTH_BAD_SIGNATURE',
  },
  { name: 'not a JWT', token: async () => 'not-a-token', code: 'PAN_ERR_AUTH_MALFORMED' },
  {
    name: 'token in the query string (no header)',
    token: () => hs(),
    url: (token) => `/marketplace/catalog?token=${token}`,
    header: () => ({}),
    code: 'PAN_ERR_AUTH_TOKEN_IN_URL',
  },
  {
    name: 'token in the query string beside a valid header',
    token: () => hs(),
    url: (token) => `/marketplace/catalog?access_token=${token}`,
    code: 'PAN_ERR_AUTH_TOKEN_IN_URL',
  },
  {
    name: 'token hidden in another query parameter',
    token: () => hs(),
    url: (token) => `/marketplace/catalog?q=${token}`,
    header: () => ({}),
    code: 'PAN_ERR_AUTH_TOKEN_IN_URL',
  },
  { name: 'no Authorization header', token: () => hs(), header: () => ({}), code: 'PAN_ERR_AUTH_MISSING' },
  { name: 'Basic scheme', token: () => hs(), header: (t) => ({ authorization: `Basic ${t}` }), code: 'PAN_ERR_AUTH_MALFORMED' },
];

async function call(vector: Pick<Vector, 'url' | 'header'>, token: string) {
  usedTokens.push(token);
  return stack.app.inject({
    method: 'GET',
    url: vector.url ? vector.url(token) : '/marketplace/catalog',
    headers: vector.header ? vector.header(token) : { authorization: `Bearer ${token}` },
  });
}

describe('valid tokens are accepted (controls)', () => {
  const controls: { name: string; token: Signer }[] = [
    { name: 'HS256', token: () => hs() },
    { name: 'RS256 with kid', token: () => rs() },
    { name: 'ES256 with kid', token: () => sign('ES256', ec.privateKey, claims(), { kid: 'ec-1' }) },
    { name: 'EdDSA with kid', token: () => sign('EdDSA', ed.privateKey, claims(), { kid: 'ed-1' }) },
    { name: 'RS256 from the JWKS URL', token: () => sign('RS256', jwksRsa.privateKey, claims({ iss: ISS.jwks }), { kid: 'jwks-1' }) },
    { name: 'expired 10 s ago (inside the tolerance)', token: () => hs(claims({ iat: now() - 300, exp: now() - 10 })) },
    { name: 'lifetime of exactly 15 minutes', token: () => hs(claims({ iat: now(), exp: now() + 15 * 60 })) },
  ];
  it.each(controls)('$name', async ({ token }) => {
    const response = await call({}, await token());
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().integrations.length).toBeGreaterThan(0);
  });
});

describe('refused tokens answer 401 with a code', () => {
  it.each(vectors)('$name -> $code', async (vector) => {
    const response = await call(vector, await vector.token());
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ statusCode: 401, code: vector.code });
    expect(response.json().message).toEqual(expect.any(String));
  });

  it('covers at least the vectors the issue lists', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
  });
});

describe('after every vector', () => {
  it('never fetched a header-supplied URL, and fetched the registered JWKS URL', () => {
    expect(hits.attacker).toBe(0);
    expect(hits.jwks).toBeGreaterThan(0);
  });

  it('logged no token, not even its signature', () => {
    expect(stack.logLines.length).toBeGreaterThan(0);
    const log = stack.logLines.join('\n');
    for (const token of usedTokens) {
      const signature = token.split('.')[2];
      expect(log).not.toContain(token);
      if (signature && signature.length > 10) expect(log).not.toContain(signature);
    }
  });
});
