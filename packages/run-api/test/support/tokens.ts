import { SignJWT } from 'jose';
import type { ExtraTenantInfo } from '../../src/modules/accounts/end-user-token.ts';

/** What a host backend signs end-user tokens with (HS256): its account's issuer, audience and secret. */
export interface TokenSigner {
  issuer: string;
  audience: string;
  secret: Buffer;
}

/** An end-user token as a host backend signs it: HS256, `sub`, optional `xti`, short-lived. */
export async function signEndUserToken(
  signer: TokenSigner,
  sub: string,
  options: { xti?: ExtraTenantInfo; lifetimeSeconds?: number; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...options.claims, ...(options.xti ? { xti: options.xti } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(signer.issuer)
    .setAudience(signer.audience)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 600))
    .sign(signer.secret);
}

/** The test stack's own account as a signer. */
export function stackSigner(stack: { issuer: string; audience: string; hs256Secret: string }): TokenSigner {
  return { issuer: stack.issuer, audience: stack.audience, secret: Buffer.from(stack.hs256Secret, 'base64url') };
}

/** A token of the test stack's account for `sub`. */
export function endUserToken(stack: { issuer: string; audience: string; hs256Secret: string }, sub: string, xti?: ExtraTenantInfo): Promise<string> {
  return signEndUserToken(stackSigner(stack), sub, xti ? { xti } : {});
}
