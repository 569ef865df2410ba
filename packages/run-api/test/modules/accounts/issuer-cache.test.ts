import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EndUserTokenVerifier } from '../../../src/modules/accounts/end-user-token.ts';
import { upsertAccount } from '../../../src/modules/accounts/store.ts';
import { signEndUserToken, startTestStack, type TestStack } from '../../support/index.ts';

/**
 * The issuer cache is keyed by a claim anyone can write (`iss`): it stays bounded, forgets
 * misses soon, and reloads known issuers' keys. Time is a hand-moved clock, never a sleep.
 */

const AUDIENCE = 'pan-marketplace';
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
});
afterAll(async () => stack?.stop());

function manualClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(() => 'accepted', (error: { code?: string }) => error.code ?? String(error));

describe('the issuer cache', () => {
  it('stays at its bound however many distinct unknown issuers call', async () => {
    const verifier = new EndUserTokenVerifier(stack.db, stack.box, stack.app.egress, { max: 50, unknownTtlMs: 60_000 });
    const secret = randomBytes(32);
    let largest = 0;
    for (let i = 0; i < 400; i += 1) {
      const token = await signEndUserToken({ issuer: `unknown-${i}-${'x'.repeat(200)}`, audience: AUDIENCE, secret }, 'u');
      expect(await codeOf(verifier.verify(token))).toBe('PAN_ERR_AUTH_UNKNOWN_ISSUER');
      largest = Math.max(largest, verifier.cachedIssuers);
    }
    expect(largest).toBe(50);
    expect(verifier.cachedIssuers).toBeLessThanOrEqual(50);
  });

  it('weighs issuers by their length, so long ones are bounded in bytes too', async () => {
    const verifier = new EndUserTokenVerifier(stack.db, stack.box, stack.app.egress, { maxSize: 64 * 1024, unknownTtlMs: 60_000 });
    const secret = randomBytes(32);
    for (let i = 0; i < 100; i += 1) {
      const token = await signEndUserToken({ issuer: `long-${i}-${'x'.repeat(3000)}`, audience: AUDIENCE, secret }, 'u');
      expect(await codeOf(verifier.verify(token))).toBe('PAN_ERR_AUTH_UNKNOWN_ISSUER');
    }
    // Each weighs its ~3 KiB plus 1 KiB: 16 fit in 64 KiB.
    expect(verifier.cachedIssuers).toBeGreaterThan(0);
    expect(verifier.cachedIssuers).toBeLessThanOrEqual(16);
  });

  it('accepts an issuer created after a miss once the short negative TTL passed', async () => {
    const clock = manualClock();
    const verifier = new EndUserTokenVerifier(stack.db, stack.box, stack.app.egress, { unknownTtlMs: 2_000, ttlMs: 30_000, clock });
    const signer = { issuer: `late-${randomBytes(4).toString('hex')}`, audience: AUDIENCE, secret: randomBytes(32) };
    const token = await signEndUserToken(signer, 'late-user');
    expect(await codeOf(verifier.verify(token))).toBe('PAN_ERR_AUTH_UNKNOWN_ISSUER');

    await upsertAccount(stack.db, stack.box, {
      slug: signer.issuer, name: 'Late', jwtIssuer: signer.issuer, jwtAudience: AUDIENCE, jwtAlgorithms: ['HS256'], hs256Secret: signer.secret,
    });
    // Within the negative TTL the miss is still remembered (that is what spares the database)...
    clock.advance(1_000);
    expect(await codeOf(verifier.verify(token))).toBe('PAN_ERR_AUTH_UNKNOWN_ISSUER');
    // ...and once it passed, the new account is found.
    clock.advance(1_001);
    expect(await codeOf(verifier.verify(token))).toBe('accepted');
  });

  it('with a negative TTL of 0 a miss is not cached at all', async () => {
    const verifier = new EndUserTokenVerifier(stack.db, stack.box, stack.app.egress, { unknownTtlMs: 0 });
    const token = await signEndUserToken({ issuer: 'never-cached', audience: AUDIENCE, secret: randomBytes(32) }, 'u');
    expect(await codeOf(verifier.verify(token))).toBe('PAN_ERR_AUTH_UNKNOWN_ISSUER');
    await expect.poll(() => verifier.cachedIssuers).toBe(0);
  });

  it('reloads a known issuer\'s keys after its TTL, so a rotated secret applies', async () => {
    const clock = manualClock();
    const verifier = new EndUserTokenVerifier(stack.db, stack.box, stack.app.egress, { ttlMs: 30_000, clock });
    const issuer = `rotating-${randomBytes(4).toString('hex')}`;
    const oldSecret = randomBytes(32);
    const newSecret = randomBytes(32);
    const settings = { slug: issuer, name: 'Rotating', jwtIssuer: issuer, jwtAudience: AUDIENCE, jwtAlgorithms: ['HS256' as const] };
    await upsertAccount(stack.db, stack.box, { ...settings, hs256Secret: oldSecret });
    const oldToken = await signEndUserToken({ issuer, audience: AUDIENCE, secret: oldSecret }, 'u');
    const newToken = await signEndUserToken({ issuer, audience: AUDIENCE, secret: newSecret }, 'u');
    expect(await codeOf(verifier.verify(oldToken))).toBe('accepted');

    await upsertAccount(stack.db, stack.box, { ...settings, hs256Secret: newSecret });
    clock.advance(29_000);
    expect(await codeOf(verifier.verify(oldToken))).toBe('accepted');
    clock.advance(1_001);
    expect(await codeOf(verifier.verify(newToken))).toBe('accepted');
    expect(await codeOf(verifier.verify(oldToken))).toBe('PAN_ERR_AUTH_BAD_SIGNATURE');
  });
});
