/**
 * The Acme CRM provider's own pages: server-rendered HTML with plain forms, one external stylesheet,
 * no script at all (they work under `default-src 'none'; style-src 'self'`).
 */

export const STYLESHEET_PATH = '/assets/acme.css';

export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const stylesheet = `
:root { color-scheme: light; --acme: #4338ca; --acme-dark: #3730a3; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #eef2ff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
main { width: min(26rem, calc(100vw - 2rem)); margin: 2rem 0; padding: 2rem; background: #fff; border-radius: 12px;
  box-shadow: 0 10px 30px rgb(67 56 202 / 0.12); }
h1 { display: flex; align-items: center; gap: 0.6rem; margin: 0 0 1.25rem; font-size: 1.25rem; }
.logo { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 8px; background: var(--acme);
  color: #fff; font-weight: 700; }
h2 { margin: 0 0 0.75rem; font-size: 1.1rem; }
p { margin: 0 0 1rem; }
.muted { color: var(--muted); font-size: 0.9rem; }
label { display: block; margin: 0 0 0.9rem; font-weight: 600; font-size: 0.9rem; }
input[type=email], input[type=password] { display: block; width: 100%; margin-top: 0.3rem; padding: 0.55rem 0.7rem;
  border: 1px solid #c7d2fe; border-radius: 8px; font: inherit; }
input:focus-visible, button:focus-visible { outline: 3px solid #a5b4fc; outline-offset: 1px; }
.actions { display: flex; gap: 0.75rem; margin-top: 1.25rem; }
button { flex: 1; padding: 0.6rem 1rem; border: 1px solid var(--acme); border-radius: 8px; background: var(--acme);
  color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
button:hover { background: var(--acme-dark); }
button.secondary { background: #fff; color: var(--acme); }
button.secondary:hover { background: #eef2ff; }
ul.scopes { margin: 0 0 1rem; padding: 0; list-style: none; border: 1px solid var(--line); border-radius: 8px; }
ul.scopes li { padding: 0.6rem 0.8rem; border-top: 1px solid var(--line); }
ul.scopes li:first-child { border-top: 0; }
ul.scopes code, .hint code { font-size: 0.8rem; color: var(--muted); }
.error { padding: 0.6rem 0.8rem; border-radius: 8px; background: #fef2f2; color: #991b1b; }
.hint { margin-top: 1.5rem; padding-top: 1rem; border-top: 1px solid var(--line); color: var(--muted); font-size: 0.85rem; }
pre { white-space: pre-wrap; word-break: break-word; font-size: 0.85rem; }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Acme CRM</title>
  <link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
  <main>
    <h1><span class="logo" aria-hidden="true">A</span> Acme CRM</h1>
    ${body}
  </main>
</body>
</html>`;
}

const demoHint = (users: { email: string }[], password: string) =>
  `<p class="hint">Demo users: ${users.map((u) => `<code>${escapeHtml(u.email)}</code>`).join(' or ')}, password <code>${escapeHtml(password)}</code>.</p>`;

export function loginPage(options: {
  uid: string;
  clientName: string;
  email?: string;
  error?: string;
  users: { email: string }[];
  password: string;
}): string {
  return layout(
    'Sign in',
    `<h2>Sign in to continue to ${escapeHtml(options.clientName)}</h2>
    ${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
    <form method="post" action="/interaction/${escapeHtml(options.uid)}/login" autocomplete="off">
      <label>Email <input type="email" name="email" required autofocus value="${escapeHtml(options.email ?? '')}"></label>
      <label>Password <input type="password" name="password" required></label>
      <div class="actions"><button type="submit">Sign in</button></div>
    </form>
    <form method="post" action="/interaction/${escapeHtml(options.uid)}/abort">
      <div class="actions"><button type="submit" class="secondary">Cancel</button></div>
    </form>
    ${demoHint(options.users, options.password)}`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are at Acme CRM',
  profile: 'See your name',
  email: 'See your email address',
  offline_access: 'Keep this access when you are not using it (until you disconnect)',
  'contacts:read': 'Read your contacts',
  'contacts:write': 'Create contacts for you',
};

export function consentPage(options: { uid: string; clientName: string; userName: string; userEmail: string; scopes: string[] }): string {
  const items = options.scopes
    .map((s) => `<li>${escapeHtml(SCOPE_TEXT[s] ?? s)} <code>${escapeHtml(s)}</code></li>`)
    .join('\n');
  return layout(
    'Allow access',
    `<h2>${escapeHtml(options.clientName)} would like to</h2>
    <ul class="scopes">${items}</ul>
    <p class="muted">Signed in as ${escapeHtml(options.userName)} (${escapeHtml(options.userEmail)}).</p>
    <form method="post" action="/interaction/${escapeHtml(options.uid)}/confirm">
      <div class="actions">
        <button type="submit" formaction="/interaction/${escapeHtml(options.uid)}/abort" class="secondary">Deny</button>
        <button type="submit">Allow</button>
      </div>
    </form>`,
  );
}

export function errorPage(out: Record<string, string>): string {
  const description = out.error_description ?? 'Something went wrong.';
  return layout(
    'Error',
    `<h2>This sign-in cannot continue</h2>
    <p class="error" role="alert">${escapeHtml(description)}</p>
    <pre>${escapeHtml(out.error ?? 'server_error')}</pre>
    <p class="muted">Close this window and start connecting again from the app.</p>`,
  );
}

export function logoutPage(form: string, host: string): string {
  return layout(
    'Sign out',
    `<h2>Sign out of ${escapeHtml(host)}?</h2>
    ${form}
    <div class="actions">
      <button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
      <button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
    </div>`,
  );
}

export function loggedOutPage(): string {
  return layout('Signed out', '<h2>You are signed out of Acme CRM</h2><p class="muted">You can close this window.</p>');
}

export function homePage(options: { issuer: string; users: { email: string }[]; password: string }): string {
  return layout(
    'Demo provider',
    `<h2>A pretend OAuth 2.0 / OpenID Connect provider</h2>
    <p>The marketplace demo's integrations connect to Acme CRM here, then call its API with the token they get.</p>
    <ul class="scopes">
      <li>Discovery <code>${escapeHtml(options.issuer)}/.well-known/openid-configuration</code></li>
    </ul>
    ${demoHint(options.users, options.password)}`,
  );
}
