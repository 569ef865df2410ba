/**
 * A tiny OAuth2 provider for the browser tests (Node side), on its own origin. `/authorize` acts on
 * the `client_id` (see `fixtureConnectors()`): `approve` sends the user back at once with a code,
 * `deny` with `error=access_denied`, `hold` shows a page that never answers. `/token` exchanges a
 * code (PKCE S256 checked). `/post-message?data=<json>` is a page that posts `data` to its parent
 * and opener with target `*`: a message from an origin that is not the run API's.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOAuthProvider {
  /** `http://127.0.0.1:PORT` */
  url: string;
  stop(): Promise<void>;
}

export async function startFakeOAuthProvider(): Promise<FakeOAuthProvider> {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://provider.test');
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      response.end(body);
    };
    if (request.method === 'GET' && url.pathname === '/authorize') {
      const params = url.searchParams;
      const redirectUri = params.get('redirect_uri') ?? '';
      const back = new URL(redirectUri);
      back.searchParams.set('state', params.get('state') ?? '');
      const client = params.get('client_id');
      if (client === 'hold') return send(200, 'text/html', '<!doctype html><title>Sign in</title><h1>Sign in to Acme Files</h1>');
      if (client === 'deny') {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(16).toString('base64url');
        codes.set(code, { challenge: params.get('code_challenge') ?? '', redirectUri });
        back.searchParams.set('code', code);
      }
      return send(302, 'text/plain', '', { location: back.toString() });
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const issued = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (!issued || issued.challenge !== challenge || issued.redirectUri !== form.get('redirect_uri')) {
          return send(400, 'application/json', JSON.stringify({ error: 'invalid_grant' }));
        }
        send(
          200,
          'application/json',
          JSON.stringify({
            access_token: `access-${randomBytes(8).toString('hex')}`,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: `refresh-${randomBytes(8).toString('hex')}`,
          }),
        );
      });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/post-message') {
      const data = (url.searchParams.get('data') ?? 'null').replace(/</g, '\\u003c');
      return send(
        200,
        'text/html',
        `<!doctype html><title>Other origin</title><script>
const data = ${data};
if (window.parent !== window) window.parent.postMessage(data, '*');
if (window.opener) window.opener.postMessage(data, '*');
</script>`,
      );
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
