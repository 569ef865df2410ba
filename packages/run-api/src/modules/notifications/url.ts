import { isIP } from 'node:net';

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * Whether `raw` may receive notifications: an absolute https:// URL, or http:// to a loopback host
 * (localhost, 127.0.0.0/8, [::1]) or to any host when the server allows plain http
 * (PAN_NOTIFY_ALLOW_HTTP). No credentials in it (they would be shown by GET), no fragment.
 */
export function checkNotificationUrl(raw: string, options: { allowHttp: boolean }): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: 'must be an absolute URL, such as https://example.com/pan-notifications' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: `must use https (not ${url.protocol.slice(0, -1)})` };
  if (url.username || url.password) {
    return { ok: false, message: 'must not contain a user name or password: requests are signed with the notification secret instead' };
  }
  if (url.hash) return { ok: false, message: 'must not have a #fragment' };
  if (url.protocol === 'http:' && !options.allowHttp && !isLoopback(url.hostname)) {
    return {
      ok: false,
      message: 'must use https; http:// is accepted only for loopback hosts (localhost, 127.0.0.0/8, [::1]) unless the server sets PAN_NOTIFY_ALLOW_HTTP=true',
    };
  }
  return { ok: true, url: url.toString() };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}
