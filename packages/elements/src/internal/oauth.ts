/**
 * Signing in to an OAuth2 connector: a popup on the provider, whose result comes back from the run
 * API's callback page by `postMessage`; a full-page redirect when popups are blocked, whose result
 * comes back in the URL (`pan_oauth`, `pan_connector`, `pan_message`).
 */
import type { OAuthResultMessage, OAuthStartRequest, OAuthStartResponse } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type { RunApiClient } from './api-client.ts';

export type SignInOutcome =
  /** The callback page said so (confirm with the API: the message only tells when to look). */
  | { status: 'connected' }
  /** The provider refused, the user denied access, or the sign-in expired: `message` says which (or is empty). */
  | { status: 'error'; message: string }
  /** The window was closed before a result came (or the result was lost: ask the API). */
  | { status: 'closed' }
  /** Popups are blocked: the page is on its way to the provider and comes back with the result in its URL. */
  | { status: 'redirected' }
  /** Another sign-in took the window over, or the caller's `signal` was aborted. */
  | { status: 'cancelled' };

/** What a full-page sign-in brought back in the URL: the callback page's message, as query parameters. */
export type RedirectResult = Omit<OAuthResultMessage, 'type'>;

/** How the page leaves for the provider when popups are blocked (replaceable in tests, which a real navigation would end). */
export const navigation = {
  assign(url: string): void {
    location.assign(url);
  },
};

const POPUP_NAME = 'pan-oauth';
const POPUP_FEATURES = 'popup,width=520,height=680';
const RESULT_PARAMS = ['pan_oauth', 'pan_connector', 'pan_message'];
/** A result message is at most this long on screen (it can come from a URL anyone may craft). */
const MAX_MESSAGE = 300;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 2000;

/** Abort a sign-in's `signal` with this reason to close its window too (otherwise it is left open). */
export const CLOSE_WINDOW = 'pan-close-window';

/** The sign-in in progress in this page: one popup window at a time. */
let current: AbortController | undefined;

/**
 * Signs the user in to `connector`. Call it from a click: the window opens before the API is asked
 * for the provider's URL, while the browser still counts the click as the user's gesture.
 * Rejects with the API's error when the sign-in cannot start (the window is closed again).
 */
export async function signIn(
  api: RunApiClient,
  connector: string,
  options: { tenantId?: string; signal?: AbortSignal } = {},
): Promise<SignInOutcome> {
  current?.abort();
  const flow = new AbortController();
  current = flow;
  const popup = window.open('', POPUP_NAME, POPUP_FEATURES);
  options.signal?.addEventListener(
    'abort',
    () => {
      if (options.signal?.reason === CLOSE_WINDOW) popup?.close();
      flow.abort();
    },
    { once: true },
  );
  let url: string;
  /** The run API's origin, where its callback page posts from (the URL that answered: `apiBase`'s origin). */
  let origin: string;
  try {
    const body: OAuthStartRequest = {
      return_origin: location.origin,
      return_url: withoutResult(location.href),
      ...(options.tenantId ? { tenant_id: options.tenantId } : {}),
    };
    const response = await api.send('POST', paths.connectionOAuth(connector), {
      body,
      signal: flow.signal,
    });
    origin = new URL(response.url).origin;
    url = ((await response.json()) as OAuthStartResponse).authorization_url;
  } catch (error) {
    popup?.close();
    if (flow.signal.aborted) return { status: 'cancelled' };
    throw error;
  }
  if (flow.signal.aborted) return { status: 'cancelled' };
  if (!popup) {
    navigation.assign(url);
    return { status: 'redirected' };
  }
  if (popup.closed) return { status: 'closed' };
  popup.location.replace(url);
  popup.focus();
  return new Promise<SignInOutcome>((resolve) => {
    let delay = FIRST_POLL_MS;
    let timer: ReturnType<typeof setTimeout>;
    const finish = (outcome: SignInOutcome) => {
      window.removeEventListener('message', onMessage);
      flow.signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (current === flow) current = undefined;
      resolve(outcome);
    };
    const onMessage = (event: MessageEvent) => {
      // Only the run API's callback page, in the window opened here, may answer: anything else is ignored.
      if (event.origin !== origin || event.source !== popup) return;
      const data = event.data as Partial<OAuthResultMessage> | null;
      if (data?.type !== 'pan-oauth-result' || data.connector !== connector) return;
      finish(
        data.status === 'connected'
          ? { status: 'connected' }
          : { status: 'error', message: shorten(data.message) },
      );
    };
    const onAbort = () => {
      finish({ status: 'cancelled' });
    };
    // The user may close the window without finishing: look now and then, less and less often.
    const poll = () => {
      if (popup.closed) return finish({ status: 'closed' });
      delay = Math.min(delay * 1.5, MAX_POLL_MS);
      timer = setTimeout(poll, delay);
    };
    window.addEventListener('message', onMessage);
    flow.signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(poll, delay);
  });
}

/**
 * The result of a full-page sign-in, if the URL carries one for a connector `accept`s: it is then
 * removed from the URL (`history.replaceState`), so a reload does not show it again.
 */
export function takeRedirectResult(accept: (connector: string) => boolean): RedirectResult | undefined {
  const url = new URL(location.href);
  const params = url.searchParams;
  const status = params.get('pan_oauth');
  const connector = params.get('pan_connector');
  if ((status !== 'connected' && status !== 'error') || !connector || !accept(connector)) return undefined;
  const message = shorten(params.get('pan_message'));
  history.replaceState(history.state, '', withoutResult(url.href));
  return { connector, status, ...(message ? { message } : {}) };
}

function withoutResult(href: string): string {
  const url = new URL(href);
  for (const name of RESULT_PARAMS) url.searchParams.delete(name);
  return url.href;
}

function shorten(message: unknown): string {
  if (typeof message !== 'string') return '';
  const text = message.trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
