import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateApiKey } from '@pan/run-api';

/** What the host SaaS keeps on its side: the token signing secret, its API key, its cookie key. */
export interface DemoSecrets {
  jwtSecret: string;
  apiKey: string;
  cookieSecret: string;
}

/** Created on first start (mode 0600) and reused, so a restart keeps sessions and keys. */
export async function loadDemoSecrets(dataDir: string): Promise<DemoSecrets> {
  const file = path.join(dataDir, 'demo-host.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secrets: DemoSecrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    apiKey: generateApiKey(),
    cookieSecret: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
