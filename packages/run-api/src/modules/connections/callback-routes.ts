/**
 * `GET /oauth/callback`: where the provider sends the user back. The page tells the element how it
 * went with `postMessage` to exactly the origin that started it (never `*`) and closes the popup;
 * without an opener (popups blocked: a full-page redirect), it goes back to the return URL.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OAuthResultMessage } from '@pan/contract';
import { completeAuthorization, type CallbackOutcome } from './oauth.ts';
import { PanError } from '../../platform/errors.ts';

export async function oauthCallbackRoutes(app: FastifyInstance): Promise<void> {
  app.get('/oauth/callback', async (request, reply) => {
    const url = new URL(request.url, app.config.publicUrl);
    try {
      const outcome = await completeAuthorization(app.db, app.box, app.egress, url);
      return resultPage(reply, 200, outcome, { type: 'pan-oauth-result', connector: outcome.connector, status: 'connected' });
    } catch (error) {
      if (!(error instanceof PanError)) throw error;
      const outcome = error.details?.oauth as CallbackOutcome | undefined;
      const message: OAuthResultMessage = { type: 'pan-oauth-result', connector: outcome?.connector ?? '', status: 'error', message: error.message };
      return resultPage(reply, error.statusCode, outcome, message);
    }
  });
}

/** JSON for a <script>: no `</script>` or `<!--` can close or confuse it. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

function resultPage(reply: FastifyReply, status: number, outcome: CallbackOutcome | undefined, message: OAuthResultMessage): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const back = outcome?.returnUrl ? new URL(outcome.returnUrl) : undefined;
  if (back) {
    back.searchParams.set('pan_oauth', message.status);
    back.searchParams.set('pan_connector', message.connector);
    if (message.message) back.searchParams.set('pan_message', message.message);
  }
  const title = message.status === 'connected' ? 'Connected' : 'Not connected';
  const text = message.status === 'connected' ? 'You can close this window.' : (message.message ?? 'Something went wrong.');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>
<script nonce="${nonce}">
(() => {
  const message = ${scriptJson(message)};
  const origin = ${scriptJson(outcome?.returnOrigin ?? null)};
  const back = ${scriptJson(back?.toString() ?? null)};
  if (origin && window.opener) {
    window.opener.postMessage(message, origin);
    window.close();
  } else if (back) {
    location.replace(back);
  }
})();
</script></body></html>`;
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`)
    .send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
