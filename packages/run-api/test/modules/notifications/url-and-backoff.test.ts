import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/modules/notifications/deliverer.ts';
import { checkNotificationUrl } from '../../../src/modules/notifications/url.ts';

/** The pure parts of notifications: which URLs are accepted, and the retry schedule. */

describe('checkNotificationUrl', () => {
  const strict = { allowHttp: false };

  it('accepts https anywhere and http only to loopback hosts', () => {
    for (const url of ['https://hooks.example.com/pan?team=1', 'https://10.0.0.5:8443/x', 'http://localhost:3000/hook', 'http://127.0.0.1:9/x', 'http://[::1]:8080/', 'http://app.localhost/x']) {
      expect(checkNotificationUrl(url, strict), url).toMatchObject({ ok: true });
    }
    for (const url of ['http://example.com/hook', 'http://10.0.0.5/x', 'http://[::2]/', 'http://localhost.example.com/']) {
      expect(checkNotificationUrl(url, strict), url).toMatchObject({ ok: false, message: expect.stringContaining('loopback') });
    }
  });

  it('accepts http anywhere when the server allows it (PAN_NOTIFY_ALLOW_HTTP)', () => {
    expect(checkNotificationUrl('http://example.com/hook', { allowHttp: true })).toEqual({ ok: true, url: 'http://example.com/hook' });
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
