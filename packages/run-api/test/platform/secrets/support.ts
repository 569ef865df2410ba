/** Helpers of the secrets tests: a stack whose box follows a key file, the `pan` CLI, script releases over the API. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import type { RunApiConfig } from '../../../src/platform/config.ts';
import { loadSecretBox } from '../../../src/platform/crypto/secret-box.ts';
import { startTestStack, type TestStack } from '../../support/index.ts';

export const panBin = fileURLToPath(new URL('../../../../cli/bin/pan.js', import.meta.url));

export interface KeyFileStack extends TestStack {
  /** Where `secret.keys` (or a legacy `secret.key`) lives: the data directory of `pan secrets`. */
  keyDir: string;
  engineLog: string[];
}

/**
 * Like `startTestStack`, but the server (API and run engine) uses the box of `loadSecretBox` over
 * `keyDir`, as `startServer` does, so that `pan secrets rotate` can change its keys.
 */
export async function startKeyFileStack(options: { clusterUrl: string; keyDir: string; config?: Partial<RunApiConfig> }): Promise<KeyFileStack> {
  const engineLog: string[] = [];
  const stack = await startTestStack({
    clusterUrl: options.clusterUrl,
    seedCatalog: true,
    box: await loadSecretBox(undefined, options.keyDir),
    poolSize: 8,
    ...(options.config ? { config: options.config } : {}),
    runEngine: { pollMs: 200, log: (message, fields) => engineLog.push(`${message} ${JSON.stringify(fields ?? {})}`) },
  });
  return { ...stack, keyDir: options.keyDir, engineLog };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pan <args>` in its own process (the compiled CLI) with exactly `env` (plus PATH). */
export function pan(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [panBin, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** A tar.gz of `files`, as `pan release push` uploads. */
export async function releaseArchive(files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-secrets-release-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const chunks: Buffer[] = [];
    for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, Object.keys(files))) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A release whose run reports the SHA-256 of each `PAN_SEC_*` variable (never a value), on stdout and stderr. */
export const HASHING_SCRIPT = `import { createHash } from 'node:crypto';
const hashes = {};
for (const [name, value] of Object.entries(process.env)) {
  if (name.startsWith('PAN_SEC_')) hashes[name] = createHash('sha256').update(value).digest('hex');
}
console.error('secret variables: ' + Object.keys(hashes).sort().join(', '));
console.log(JSON.stringify({ hashes }));
`;

/** A release that writes its whole environment to stderr and stdout (what another tenant could see). */
export const ENV_DUMP_SCRIPT = `const env = { ...process.env };
for (const [name, value] of Object.entries(env)) console.error(name + '=' + value);
console.log(JSON.stringify({ env }));
`;

export function connectorYaml(connectors: string[]): string {
  return `version: 1.0
base: node:20
run: node index.mjs
${connectors.length ? `connectors: [${connectors.join(', ')}]\n` : ''}configs:
  schema:
    type: object
    properties:
      note: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Note, scope: '#/properties/note' }
`;
}
