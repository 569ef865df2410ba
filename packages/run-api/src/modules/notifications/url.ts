import type { EgressPolicy } from '../../platform/egress.ts';

/** `egress`: refused by the egress policy (ERRORS.EGRESS_REFUSED) rather than malformed. */
export type UrlCheck = { ok: true; url: string } | { ok: false; message: string; egress?: true };

/**
 * Whether `raw` may receive notifications: an absolute https:// URL, or http:// to a host the
 * operator's egress allow-list admits (PAN_EGRESS_ALLOW), or to any host when the server allows
 * plain http (PAN_NOTIFY_ALLOW_HTTP). Its host must not be a literal non-public address or
 * localhost unless allow-listed (names are checked again, resolved, at each delivery).
 * No credentials in it (they would be shown by GET), no fragment.
 */
export function checkNotificationUrl(raw: string, options: { allowHttp: boolean; egress: EgressPolicy }): UrlCheck {
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
  const refusal = options.egress.refusalOf(url);
  if (refusal) return { ok: false, message: refusal, egress: true };
  if (url.protocol === 'http:' && !options.allowHttp && !options.egress.isAllowListed(url)) {
    return {
      ok: false,
      message: 'must use https; http:// is accepted only for hosts PAN_EGRESS_ALLOW admits, or any host when the server sets PAN_NOTIFY_ALLOW_HTTP=true',
    };
  }
  return { ok: true, url: url.toString() };
}
