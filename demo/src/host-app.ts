import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { demoUsers, findDemoUser, type DemoUser } from './users.ts';

export interface HostAppOptions {
  /** The run API as the browser reaches it. */
  apiBase: string;
  /** The HS256 secret shared with the run API account, base64url. */
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  cookieSecret: string;
  /** The built page (`vite build` output). */
  distDir: string;
  /** Lifetime of the end-user tokens, in seconds (the run API accepts at most 15 minutes). */
  tokenLifetimeSeconds?: number;
  /**
   * The run API's notifications (`POST /hooks/pan`): the signing secret it gave (undefined until
   * then: everything is refused) and what to do with a verified event.
   */
  notifications?: { secret(): string | undefined; onEvent(event: PanNotification): void };
}

/** A notification as the run API sends it (Standard Webhooks payload). */
export interface PanNotification {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

const SESSION_COOKIE = 'acme_session';

/**
 * The host SaaS app: a login page, a session cookie, an endpoint that signs a short-lived
 * marketplace token for the logged-in user, and the page that embeds <pan-marketplace>.
 */
export async function buildHostApp(options: HostAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const secret = Buffer.from(options.jwtSecret, 'base64url');
  const lifetime = options.tokenLifetimeSeconds ?? 5 * 60;
  const csp = contentSecurityPolicy(new URL(options.apiBase).origin);
  const indexHtml = await readFile(path.join(options.distDir, 'index.html'), 'utf8');
  const installHtml = await readFile(path.join(options.distDir, 'install.html'), 'utf8');
  const connectHtml = await readFile(path.join(options.distDir, 'connect.html'), 'utf8');

  await app.register(cookie, { secret: options.cookieSecret });
  await app.register(formbody);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
  });

  const currentUser = (request: FastifyRequest): DemoUser | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid ? findDemoUser(unsigned.value ?? undefined) : undefined;
  };

  app.get('/login', async (_request, reply) => reply.type('text/html').send(loginPage()));
  app.post<{ Body: { user?: string } }>('/login', async (request, reply) => {
    const user = findDemoUser(request.body?.user);
    if (!user) return reply.status(400).type('text/html').send(loginPage('Pick one of the demo users.'));
    reply.setCookie(SESSION_COOKIE, user.id, { signed: true, httpOnly: true, sameSite: 'strict', path: '/' });
    return reply.redirect('/', 303);
  });
  app.post('/logout', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  const notifications = options.notifications;
  if (notifications) {
    await app.register(async (hooks) => {
      // The signature covers the exact bytes: keep the body as received.
      hooks.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
      hooks.post<{ Body: string }>('/hooks/pan', async (request, reply) => {
        const secret = notifications.secret();
        let event: PanNotification;
        try {
          if (!secret) throw new Error('not configured yet');
          event = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as PanNotification;
        } catch {
          return reply.status(401).send({ code: 'DEMO_BAD_SIGNATURE', message: 'The notification signature does not verify' });
        }
        notifications.onEvent(event);
        return reply.status(204).send();
      });
    });
  }

  const requireUser = (request: FastifyRequest, reply: FastifyReply): DemoUser | undefined => {
    const user = currentUser(request);
    if (!user) void reply.status(401).send({ code: 'DEMO_NOT_LOGGED_IN', message: 'Log in first' });
    return user;
  };

  app.get('/api/session', async (request, reply) => {
    const user = requireUser(request, reply);
    if (!user) return reply;
    return { user: { id: user.id, name: user.name, email: user.email, group: user.group, title: user.title }, apiBase: options.apiBase };
  });

  /** Signs the marketplace token. POST and same-origin only, so another site cannot mint one. */
  app.post<{ Body: { purpose?: string } | undefined }>('/api/pan-token', async (request, reply) => {
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return reply.status(403).send({ code: 'DEMO_CROSS_SITE' });
    const user = requireUser(request, reply);
    if (!user) return reply;
    // The onboarding page's token (auth-only mode) names what to connect and the settings to install with.
    const xti = request.body?.purpose === 'connect' ? { user_group: user.group, auth_only: AUTH_ONLY } : { user_group: user.group };
    const token = await new SignJWT({ name: user.name, email: user.email, xti })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(options.jwtIssuer)
      .setAudience(options.jwtAudience)
      .setSubject(`acme-user-${user.id}`)
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
      .sign(secret);
    reply.header('cache-control', 'no-store');
    return { token, expires_in: lifetime };
  });

  app.get('/', async (request, reply) => {
    if (!currentUser(request)) return reply.redirect('/login', 303);
    return reply.type('text/html').header('cache-control', 'no-store').send(indexHtml);
  });
  /** The host's own page for one integration, embedding only its install flow. */
  app.get('/install/:slug', async (request, reply) => {
    if (!currentUser(request)) return reply.redirect('/login', 303);
    return reply.type('text/html').header('cache-control', 'no-store').send(installHtml);
  });
  /** The host's onboarding page: only the connect buttons (auth-only mode). */
  app.get('/connect', async (request, reply) => {
    if (!currentUser(request)) return reply.redirect('/login', 303);
    return reply.type('text/html').header('cache-control', 'no-store').send(connectHtml);
  });
  await app.register(fastifyStatic, { root: options.distDir, index: false, wildcard: true });
  return app;
}

/** What the onboarding page connects, and the settings its tenants are installed with. */
const AUTH_ONLY = {
  integrations: [
    { slug: 'acme-invoices', configs: { status: 'open' } },
    { slug: 'acme-contacts', configs: { max_contacts: 10 } },
  ],
};

/** The strict policy the demo is served with: no inline script, no eval, anywhere. */
export function contentSecurityPolicy(apiOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${apiOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(error?: string): string {
  const buttons = demoUsers
    .map(
      (u) => `<li><button type="submit" name="user" value="${u.id}">
        <span class="name">${escapeHtml(u.name)}</span>
        <span class="meta">${escapeHtml(u.title)} · group <strong>${u.group}</strong></span>
      </button></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · Acme CRM</title>
  <link rel="stylesheet" href="/login.css">
</head>
<body>
  <main>
    <h1><span class="logo" aria-hidden="true">A</span> Acme CRM</h1>
    <p>This is the demo host app. Sign in as one of its users to see the integration marketplace it embeds.</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/login">
      <ul>${buttons}</ul>
    </form>
  </main>
</body>
</html>`;
}
