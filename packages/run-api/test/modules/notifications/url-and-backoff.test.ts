import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/modules/notifications/deliverer.ts';
import { checkNotificationUrl } from '../../../src/modules/notifications/url.ts';
import { EgressPolicy } from '../../../src/platform/egress.ts';

/** The pure parts of notifications: which URLs are accepted, and the retry schedule. */

describe('checkNotificationUrl', () => {
  const strict = { allowHttp: false, egress: new EgressPolicy({ allow: [] }) };
  const loopbackAllowed = { allowHttp: false, egress: new EgressPolicy({ allow: ['127.0.0.1/32', '::1', 'localhost'] }) };

  it('accepts https to public hosts, and http only to hosts the egress allow-list admits', () => {
    expect(checkNotificationUrl('https://hooks.example.com/pan?team=1', strict)).toMatchObject({ ok: true });
    for (const url of ['http://localhost:3000/hook', 'http://127.0.0.1:9/x', 'http://[::1]:8080/']) {
      expect(checkNotificationUrl(url, loopbackAllowed), url).toMatchObject({ ok: true });
      expect(checkNotificationUrl(url, strict), url).toMatchObject({ ok: false, egress: true, message: expect.stringContaining('PAN_EGRESS_ALLOW') });
    }
    // Only the names listed: a subdomain of localhost is not localhost.
    expect(checkNotificationUrl('http://app.localhost/x', loopbackAllowed)).toMatchObject({ ok: false, egress: true });
    for (const url of ['http://example.com/hook', 'http://localhost.example.com/']) {
      expect(checkNotificationUrl(url, loopbackAllowed), url).toMatchObject({ ok: false, message: expect.stringContaining('must use https') });
    }
    expect(checkNotificationUrl('https://10.0.0.5:8443/x', strict)).toMatchObject({ ok: false, egress: true, message: expect.stringContaining('private') });
  });

  it('accepts http to public hosts when the server allows it (PAN_NOTIFY_ALLOW_HTTP), never to refused addresses', () => {
    const allowHttp = { ...strict, allowHttp: true };
    expect(checkNotificationUrl('http://example.com/hook', allowHttp)).toEqual({ ok: true, url: 'http://example.com/hook' });
    expect(checkNotificationUrl('http://127.0.0.1:5432/', allowHttp)).toMatchObject({ ok: false, egress: true });
  });

  it('refuses other schemes, credentials, fragments and relative URLs', () => {
    expect(checkNotificationUrl('ftp://example.com/', strict)).toMatchObject({ ok: false, message: 'must use https (not ftp)' });
    expect(checkNotificationUrl('javascript:alert(1)', strict)).toMatchObject({ ok: false });
    expect(checkNotificationUrl('https://u:p@example.com/', strict)).toMatchObject({ ok: false, message: expect.stringContaining('password') });
    expect(checkNotificationUrl('https://example.com/#x', strict)).toMatchObject({ ok: false, message: 'must not have a #fragment' });
    expect(checkNotificationUrl('example.com/hook', strict)).toMatchObject({ ok: false, message: expect.stringContaining('absolute URL') });
  });

  it('stores the URL normalised', () => {
    expect(checkNotificationUrl('  HTTPS://Hooks.Example.COM/pan  ', strict)).toEqual({ ok: true, url: 'https://hooks.example.com/pan' });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base, with up to 25 % jitter, capped', () => {
    const none = () => 0;
    const most = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 5000, 3_600_000, none))).toEqual([5000, 10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(1, 5000, 3_600_000, most)).toBe(6250);
    expect(retryDelayMs(30, 5000, 3_600_000, most)).toBe(3_600_000);
    expect(retryDelayMs(2000, 5000, 3_600_000, none)).toBe(3_600_000);
    // With any jitter, each delay is longer than the one before (until the cap).
    for (let n = 1; n < 8; n++) expect(retryDelayMs(n + 1, 5000, 3_600_000, none)).toBeGreaterThan(retryDelayMs(n, 5000, 3_600_000, most));
  });
});
