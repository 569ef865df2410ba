import { describe, expect, it } from 'vitest';
import { payloadHeaders } from '../../../src/modules/triggers/service.ts';

/** `payload.headers` from a request's raw header lines (real HTTP: see runner/pandium-contract.test.ts). */
const request = (raw: string[], headers: Record<string, string | string[] | undefined> = {}) => ({ raw: { rawHeaders: raw }, headers });

describe('payloadHeaders', () => {
  it("keeps the sender's names, joins repeated fields in order (first spelling wins), drops credentials and hop-by-hop fields", () => {
    const kept = payloadHeaders(
      request([
        'User-Agent', 'PostmanRuntime/7.29.0',
        'X-Repeated', 'one',
        'x-repeated', 'two',
        'Authorization', 'Bearer secret',
        'Set-Cookie', 'sid=1',
        'Set-Cookie', 'sid=2',
        'Cookie', 'a=b',
        'Host', 'pan.example',
        'Connection', 'keep-alive',
        '__proto__', 'plain',
      ]),
    );
    expect(kept).toStrictEqual({ 'User-Agent': 'PostmanRuntime/7.29.0', 'X-Repeated': 'one, two', ['__proto__']: 'plain' });
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(Object.hasOwn(kept, '__proto__')).toBe(true);
  });

  it('keeps a field the server set itself (not in the raw lines) under its lower-case name', () => {
    expect(payloadHeaders(request(['User-Agent', 'x'], { 'user-agent': 'x', 'content-type': 'application/octet-stream' }))).toStrictEqual({
      'User-Agent': 'x',
      'content-type': 'application/octet-stream',
    });
  });
});
