/**
 * What both demo pages do: ask the host backend for the session and a short-lived marketplace
 * token, and hand the token to <pan-marketplace> as a property (never an attribute, never a URL).
 */
import '@pan/elements/define';
import type { PanMarketplace } from '@pan/elements';

interface Session {
  user: { id: string; name: string; email: string; group: string };
  apiBase: string;
}

async function fetchToken(purpose: 'marketplace' | 'connect' = 'marketplace'): Promise<string> {
  const response = await fetch('/api/pan-token', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ purpose }),
  });
  if (response.status === 401) {
    location.assign('/login');
    throw new Error('Logged out');
  }
  if (!response.ok) throw new Error(`Token endpoint answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * `?theme=light|dark`, `?dir=rtl|ltr` and `?lang=<tag>` show the page, and the marketplace in it,
 * in that theme, direction and language (the e2e suite takes its screenshots this way). The
 * marketplace reads `dir` and `lang` from the nearest ancestor, here the page's <html>.
 */
function applyDisplayOptions(marketplace: PanMarketplace): void {
  const params = new URLSearchParams(location.search);
  const root = document.documentElement;
  const theme = params.get('theme');
  if (theme === 'light' || theme === 'dark') {
    root.dataset.theme = theme;
    marketplace.theme = theme;
  }
  const dir = params.get('dir');
  if (dir === 'rtl' || dir === 'ltr') root.dir = dir;
  const lang = params.get('lang');
  if (lang && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(lang)) root.lang = lang;
}

/** Connects the page's marketplace to the run API for the logged-in user and reports its events. */
export async function connectMarketplace(
  configure: (marketplace: PanMarketplace) => void = () => {},
  purpose: 'marketplace' | 'connect' = 'marketplace',
): Promise<void> {
  // Before anything waits on the network: the page does not flash light before turning dark.
  applyDisplayOptions(document.querySelector('pan-marketplace')!);
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (!response.ok) return location.assign('/login');
  const session = (await response.json()) as Session;
  document.querySelector('#user-name')!.textContent = `${session.user.name} (${session.user.group})`;

  const status = document.querySelector<HTMLElement>('#host-status')!;
  const marketplace = document.querySelector('pan-marketplace')!;
  configure(marketplace);
  marketplace.apiBase = session.apiBase;
  marketplace.tokenProvider = () => fetchToken(purpose);
  marketplace.addEventListener('pan-install-request', (e) => {
    status.textContent = `Install requested: ${e.detail.integration.name}`;
  });
  marketplace.addEventListener('pan-installed', (e) => {
    status.textContent = `Installed: ${e.detail.tenant.integration.name}`;
  });
  marketplace.addEventListener('pan-settings-saved', (e) => {
    status.textContent = `Saved ${e.detail.changed.join(', ')}: ${e.detail.tenant.integration.name}`;
  });
  marketplace.addEventListener('pan-uninstalled', (e) => {
    status.textContent = `Uninstalled: ${e.detail.tenant.integration.name}`;
  });
  marketplace.addEventListener('pan-token-expired', () => {
    status.textContent = 'Your session has expired. Please log in again.';
  });
  marketplace.token = await fetchToken(purpose);
}
