import { randomBytes, type JsonWebKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateApiKey } from '@pan/run-api';
import { generateAcmeSigningKey } from './acme/signing-key.ts';

/** What the host SaaS keeps on its side: the token signing secret, its API key, its cookie key. */
export interface DemoSecrets {
  jwtSecret: string;
  apiKey: string;
  cookieSecret: string;
  /** The demo Acme CRM's token signing key (a private JWK), kept so that a start need not generate one. */
  acmeSigningKey: JsonWebKey;
}

/** Created on first start (mode 0600) and reused, so a restart keeps sessions and keys. */
export async function loadDemoSecrets(dataDir: string): Promise<DemoSecrets> {
  const file = path.join(dataDir, 'demo-host.json');
  let stored: Partial<DemoSecrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DemoSecrets>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stored.jwtSecret && stored.apiKey && stored.cookieSecret && stored.acmeSigningKey) return stored as DemoSecrets;
  // A file of an older version lacks the signing key: it is added, the rest kept.
  const secrets: DemoSecrets = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    apiKey: stored.apiKey ?? generateApiKey(),
    cookieSecret: stored.cookieSecret ?? randomBytes(32).toString('base64url'),
    acmeSigningKey: stored.acmeSigningKey ?? (await generateAcmeSigningKey()),
  };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
