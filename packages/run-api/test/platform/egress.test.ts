import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EgressPolicy, EgressRedirectError, egressRefusal, parseEgressAllow, type EgressResolver } from '../../src/platform/egress.ts';
import { readConfig } from '../../src/platform/config.ts';
import { SSRF_FORMS } from '../support/ssrf-forms.ts';

/**
 * The egress policy against real sockets: test servers on loopback addresses stand in for "public"
 * hosts (admitted by an allow-list CIDR) and for internal ones (not admitted), and a test resolver
 * plays DNS, so nothing here leaves the machine.
 */

interface TestServer {
  url: string;
  port: number;
  /** TCP connections accepted, whatever happened next. */
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

async function startServer(host: string, port = 0, answer?: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const state = { connections: 0, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    if (answer) answer(req, res);
    // A new connection per request: every request is resolved and checked again.
    else res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('hello from ' + host);
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A resolver that answers from a table (or a function of the call count) and counts its calls. */
function testResolver(answers: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolve: EgressResolver = async (hostname) => {
    calls.push(hostname);
    const answer = answers[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const list = typeof answer === 'function' ? answer(calls.filter((h) => h === hostname).length) : answer;
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

async function refusalOfFetch(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return egressRefusal(error) ?? `other failure: ${String((error as Error).cause ?? error)}`;
  }
  return 'no failure';
}

// 127.0.0.2 plays a public host (admitted by CIDR); 127.0.0.1 plays an internal one (not admitted).
const PUBLIC_STANDIN = '127.0.0.2';
let publicHost: TestServer;
let internalHost: TestServer;
const policies: EgressPolicy[] = [];
const policy = (options: ConstructorParameters<typeof EgressPolicy>[0]) => {
  const made = new EgressPolicy(options);
  policies.push(made);
  return made;
};

beforeAll(async () => {
  publicHost = await startServer(PUBLIC_STANDIN);
  // The same port on the internal address: a rebinding test connects to "the same URL".
  internalHost = await startServer('127.0.0.1', publicHost.port);
});

afterAll(async () => {
  await publicHost.close();
  await internalHost.close();
});

afterEach(async () => {
  await Promise.all(policies.splice(0).map((p) => p.close()));
});

describe('the egress policy refuses every SSRF form', () => {
  it(`at configuration: ${SSRF_FORMS.length} literal forms are refused by refusalOf`, () => {
    const strict = policy({ allow: [] });
    const accepted = SSRF_FORMS.filter((form) => strict.refusalOf(new URL(form.url)) === null).map((f) => f.name);
    expect(accepted).toEqual([]);
    // A public address and a name are not refused at configuration (names are checked when called).
    expect(strict.refusalOf(new URL('https://93.184.215.14/x'))).toBeNull();
    expect(strict.refusalOf(new URL('https://[2606:4700::6810:84e5]/x'))).toBeNull();
    expect(strict.refusalOf(new URL('https://hooks.example.com/x'))).toBeNull();
  });

  it('at send time, each literal form is refused before any connection', async () => {
    // The system resolver: `localhost` is one of the forms.
    const strict = policy({ allow: [] });
    const outcomes = await Promise.all(SSRF_FORMS.map(async (form) => [form.name, await refusalOfFetch(strict.fetch(form.url))] as const));
    for (const [name, outcome] of outcomes) expect(outcome, name).toMatch(/refused by the egress policy/);
    expect(internalHost.connections).toBe(0);
  });

  it('at send time, a name resolving to each form is refused, and the message does not give the address', async () => {
    const answers = Object.fromEntries(SSRF_FORMS.map((form, i) => [`h${i}.evil.test`, [form.address]]));
    const strict = policy({ allow: [], resolve: testResolver(answers).resolve });
    for (const [i, form] of SSRF_FORMS.entries()) {
      const outcome = await refusalOfFetch(strict.fetch(`http://h${i}.evil.test:${internalHost.port}/`));
      expect(outcome, form.name).toBe(`h${i}.evil.test is refused by the egress policy: it is not a public address (PAN_EGRESS_ALLOW admits internal hosts)`);
    }
    expect(internalHost.connections).toBe(0);
  });

  it('checks every resolved address, not only the first', async () => {
    const dns = testResolver({ 'mixed.test': [PUBLIC_STANDIN, '10.0.0.1'], 'mixed6.test': [PUBLIC_STANDIN, '::ffff:169.254.169.254'] });
    const p = policy({ allow: [`${PUBLIC_STANDIN}/32`], resolve: dns.resolve });
    expect(await refusalOfFetch(p.fetch(`http://mixed.test:${publicHost.port}/`))).toMatch(/refused by the egress policy/);
    expect(await refusalOfFetch(p.fetch(`http://mixed6.test:${publicHost.port}/`))).toMatch(/refused by the egress policy/);
    expect(publicHost.connections).toBe(0);
  });

  it('answers the same for an open and a closed loopback port (no port map)', async () => {
    const strict = policy({ allow: [] });
    const closed = await startServer('127.0.0.1');
    const closedPort = closed.port;
    await closed.close();
    const open = await refusalOfFetch(strict.fetch(`http://127.0.0.1:${internalHost.port}/`));
    const shut = await refusalOfFetch(strict.fetch(`http://127.0.0.1:${closedPort}/`));
    expect(open).toBe(shut);
    expect(open).not.toMatch(/ECONNREFUSED/);
    expect(internalHost.connections).toBe(0);
  });
});

describe('the address connected to is the one checked', () => {
  it('refuses DNS rebinding: a first answer public, the next private', async () => {
    // The system resolver knows no "rebind.test": a connection can only use the policy's checked answer.
    const dns = testResolver({ 'rebind.test': (call) => (call === 1 ? [PUBLIC_STANDIN] : ['127.0.0.1']) });
    const p = policy({ allow: [`${PUBLIC_STANDIN}/32`], resolve: dns.resolve });
    const first = await p.fetch(`http://rebind.test:${publicHost.port}/first`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(`hello from ${PUBLIC_STANDIN}`);
    expect(publicHost.requests).toContain('GET /first');

    // The same URL again (the server closed the connection: a new one is resolved): now private.
    expect(await refusalOfFetch(p.fetch(`http://rebind.test:${publicHost.port}/second`))).toMatch(/refused by the egress policy/);
    expect(internalHost.connections).toBe(0);
    expect(publicHost.requests).not.toContain('GET /second');
    // One resolution per connection, and only the policy's: no second lookup between check and connect.
    expect(dns.calls).toEqual(['rebind.test', 'rebind.test']);
  });

  it('does not follow a redirect to a private address', async () => {
    const redirecting = await startServer(PUBLIC_STANDIN, 0, (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${internalHost.port}/metadata`, connection: 'close' }).end();
    });
    try {
      const p = policy({ allow: [`${PUBLIC_STANDIN}/32`] });
      const response = await p.fetch(`${redirecting.url}/start`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(302);
      await expect(p.fetchFollowingNone(`${redirecting.url}/start`)).rejects.toBeInstanceOf(EgressRedirectError);
      await expect(p.fetchFollowingNone(`${redirecting.url}/start`)).rejects.toThrow('redirect (HTTP 302) not followed');
      // Even when the caller asks to follow.
      expect((await p.fetch(`${redirecting.url}/start`, { redirect: 'follow' })).status).toBe(302);
      expect(internalHost.requests).toEqual([]);
      expect(internalHost.connections).toBe(0);
    } finally {
      await redirecting.close();
    }
  });
});

describe('the operator allow-list (PAN_EGRESS_ALLOW)', () => {
  it('admits loopback by CIDR and by host name', async () => {
    const byCidr = policy({ allow: ['127.0.0.1/32'] });
    expect((await byCidr.fetch(`${internalHost.url}/`)).status).toBe(200);
    const byName = policy({ allow: ['localhost'] });
    expect((await byName.fetch(`http://localhost:${internalHost.port}/`)).status).toBe(200);
    // The name admits that name only, not its address under another name or literally.
    expect(await refusalOfFetch(byName.fetch(`${internalHost.url}/`))).toMatch(/refused by the egress policy/);
    expect(byName.refusalOf(new URL(`${internalHost.url}/`))).not.toBeNull();
    expect(byName.refusalOf(new URL(`http://localhost:${internalHost.port}/`))).toBeNull();
  });

  it('admits a range, its IPv4-mapped form included, and nothing outside it', () => {
    const p = policy({ allow: ['10.1.2.0/24'] });
    expect(p.refusalOf(new URL('https://10.1.2.77/'))).toBeNull();
    expect(p.refusalOf(new URL('https://[::ffff:10.1.2.77]/'))).toBeNull();
    expect(p.refusalOf(new URL('https://10.1.3.1/'))).toMatch(/private/);
    expect(p.isAllowListed(new URL('http://10.1.2.9/'))).toBe(true);
    expect(p.isAllowListed(new URL('http://10.1.3.9/'))).toBe(false);
  });

  it('is read from PAN_EGRESS_ALLOW, and a bad entry stops the start naming the variable', () => {
    expect(readConfig({ PAN_EGRESS_ALLOW: '127.0.0.1/32, localhost ,10.1.2.0/24,[::1]' }).egressAllow).toEqual([
      '127.0.0.1/32',
      'localhost',
      '10.1.2.0/24',
      '[::1]',
    ]);
    expect(readConfig({}).egressAllow).toEqual([]);
    expect(() => readConfig({ PAN_EGRESS_ALLOW: '10.0.0.0/33' })).toThrow(/PAN_EGRESS_ALLOW: "10.0.0.0\/33"/);
    expect(() => readConfig({ PAN_EGRESS_ALLOW: 'http://x/' })).toThrow(/PAN_EGRESS_ALLOW/);
    expect(parseEgressAllow(['::ffff:127.0.0.1/128']).ranges[0]![0].toString()).toBe('127.0.0.1');
  });
});
