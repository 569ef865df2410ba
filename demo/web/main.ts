import '@pan/elements/define';

/**
 * The host page: asks its own backend for a short-lived marketplace token and hands it to
 * <pan-marketplace> as a property (never an attribute, never a URL).
 */
interface Session {
  user: { id: string; name: string; email: string; group: string };
  apiBase: string;
}

async function fetchToken(): Promise<string> {
  const response = await fetch('/api/pan-token', { method: 'POST', credentials: 'same-origin' });
  if (response.status === 401) {
    location.assign('/login');
    throw new Error('Logged out');
  }
  if (!response.ok) throw new Error(`Token endpoint answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function main() {
  const response = await fetch('/api/session', { credentials: 'same-origin' });
  if (!response.ok) return location.assign('/login');
  const session = (await response.json()) as Session;
  document.querySelector('#user-name')!.textContent = `${session.user.name} (${session.user.group})`;

  const status = document.querySelector<HTMLElement>('#host-status')!;
  const marketplace = document.querySelector('pan-marketplace')!;
  marketplace.apiBase = session.apiBase;
  marketplace.tokenProvider = fetchToken;
  marketplace.addEventListener('pan-install-request', (event) => {
    status.textContent = `Install requested: ${event.detail.integration.name}`;
  });
  marketplace.addEventListener('pan-token-expired', () => {
    status.textContent = 'Your session has expired. Please log in again.';
  });
  marketplace.token = await fetchToken();
}

void main();
