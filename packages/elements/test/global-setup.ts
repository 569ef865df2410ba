import type { TestProject } from 'vitest/node';
import { startTestStack } from '@pan/run-api/testing';

/** What the browser tests need to reach the real run API and sign tokens for it. */
export interface PanStackInfo {
  /** `http://127.0.0.1:PORT` */
  apiBase: string;
  issuer: string;
  audience: string;
  /** The account's HS256 shared secret, base64url. */
  hs256Secret: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    panStack: PanStackInfo;
  }
}

/** Starts a real run API (with its run engine) on an embedded PostgreSQL, seeded with the test catalog. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startTestStack({ seedReleases: true, runEngine: true });
  const { apiBase, issuer, audience, hs256Secret } = stack;
  project.provide('panStack', { apiBase, issuer, audience, hs256Secret });
  return () => stack.stop();
}
