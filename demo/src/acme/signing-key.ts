import { generateKeyPair, randomUUID, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * A private RS256 JWK for the Acme CRM provider. An RSA key takes a noticeable part of a second
 * to generate, so it is generated off the main thread, and the demo keeps one in its data
 * directory (demo-secrets.ts). Apart from the provider, so that importing it loads no oidc-provider.
 */
export async function generateAcmeSigningKey(): Promise<JsonWebKey> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}
