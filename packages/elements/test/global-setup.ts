import type { TestProject } from 'vitest/node';
import { LOOPBACK_EGRESS_ALLOW, seedFixtureConnectors, seedNeedsReconnect, startTestStack } from '../../run-api/test/support/index.ts';
import { startFakeOAuthProvider } from './oauth-provider.ts';

/** What the browser tests need to reach the real run API and sign tokens for it. */
export interface PanStackInfo {
  /** `http://127.0.0.1:PORT` */
  apiBase: string;
  issuer: string;
  audience: string;
  /** The account's HS256 shared secret, base64url. */
  hs256Secret: string;
  /** The test OAuth2 provider of the `hubspot`, `acme-crm` and `acme-files` connectors (see oauth-provider.ts). */
  oauthProvider: string;
  /**
   * Users (sales group) whose `hubspot` connection needs reconnecting (a refused refresh): one per
   * test that needs one, since reconnecting changes it.
   */
  reconnectUsers: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    panStack: PanStackInfo;
  }
}

const RECONNECT_USERS = ['user-reconnect-1', 'user-reconnect-2', 'user-reconnect-3'];

/**
 * Starts a real run API (with its run engine) on an embedded PostgreSQL, seeded with the test
 * catalog and the fixture connectors, and a test OAuth2 provider.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const provider = await startFakeOAuthProvider();
  const stack = await startTestStack({ seedReleases: true, runEngine: true, config: { egressAllow: LOOPBACK_EGRESS_ALLOW } });
  await seedFixtureConnectors(stack, provider.url);
  for (const sub of RECONNECT_USERS) await seedNeedsReconnect(stack, sub, 'hubspot');
  const { apiBase, issuer, audience, hs256Secret } = stack;
  project.provide('panStack', { apiBase, issuer, audience, hs256Secret, oauthProvider: provider.url, reconnectUsers: RECONNECT_USERS });
  return async () => {
    await stack.stop();
    await provider.stop();
  };
}
