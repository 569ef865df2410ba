/**
 * Helpers shared by the run-engine benchmarks (webhook, latency, logs, sync, notify): end-user
 * tokens, installs, host API calls, releases with a script of the bench's own, helper processes,
 * timeouts, percentiles.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tenant } from '@pan/contract';
import type { Executor, RunOutcome } from '../../packages/run-api/src/modules/runner/types.ts';
import { findIntegrationId } from '../../packages/run-api/src/modules/catalog/store.ts';
import { endUserToken, storeScriptRelease, type TestStack } from '../../packages/run-api/test/support/index.ts';

export { endUserToken };

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes of this machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

async function call(stack: TestStack, method: 'GET' | 'POST', url: string, jwt: string, body?: unknown) {
  return stack.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${jwt}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** Installs `integration` for a new end user; returns the tenant, the user's token and the tenant's webhook URL. */
export async function installTenant(
  stack: TestStack,
  sub: string,
  integration: string,
  configs: Record<string, unknown> = {},
): Promise<{ tenant: Tenant; jwt: string; webhookUrl: string }> {
  const jwt = await endUserToken(stack, sub);
  const installed = await call(stack, 'POST', '/marketplace/tenants', jwt, { integration, configs });
  if (installed.statusCode !== 201) throw new Error(`install of ${integration} answered ${installed.statusCode}: ${installed.body}`);
  const tenant = installed.json<Tenant>();
  const hook = await call(stack, 'GET', `/marketplace/tenants/${tenant.id}/webhook`, jwt);
  if (hook.statusCode !== 200) throw new Error(`webhook URL answered ${hook.statusCode}: ${hook.body}`);
  return { tenant, jwt, webhookUrl: hook.json<{ url: string }>().url };
}

/** A host API call (`X-API-KEY`) through `inject`. */
export async function hostCall(stack: TestStack, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  return stack.app.inject({
    method,
    url,
    headers: { 'x-api-key': stack.apiKey },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** "Run now" for a tenant; returns the trigger id. */
export async function runNow(stack: TestStack, jwt: string, tenantId: string): Promise<string> {
  const response = await call(stack, 'POST', `/marketplace/tenants/${tenantId}/runs`, jwt, { mode: 'normal' });
  if (response.statusCode !== 202) throw new Error(`run now answered ${response.statusCode}: ${response.body}`);
  return response.json<{ trigger_id: string }>().trigger_id;
}

/**
 * Stores a release of `slug` (made its default) whose `run` is `node index.mjs` with `script` as
 * index.mjs, as `pan release push` would. Tenants installed afterwards run it.
 */
export async function pushScriptRelease(stack: TestStack, slug: string, yaml: string, script: string): Promise<void> {
  const integrationId = await findIntegrationId(stack.db, stack.accountId, slug);
  if (!integrationId) throw new Error(`no integration ${slug}`);
  await storeScriptRelease(stack.db, stack.accountId, integrationId, { 'PANDIUM.yaml': yaml, 'index.mjs': script });
}

/** An executor that runs nothing: the run succeeds at once (measures the engine without a process). */
export const noopExecutor: Executor = {
  async execute(): Promise<RunOutcome> {
    const now = new Date();
    return {
      status: 'Succeeded',
      exitCode: 0,
      signal: null,
      startedAt: now,
      endedAt: now,
      stdoutJson: undefined,
      stdoutNote: undefined,
      stdoutTruncated: false,
      stderrTruncated: false,
      logLines: 0,
    };
  },
};

/**
 * Runs `bench/support/<file>` (TypeScript, through tsx) in its own process, so that load
 * generators and clients do not share the server's event loop. `input` is passed as JSON in argv;
 * the helper's last stdout line is its JSON result. `onLine` sees each stdout line as it comes.
 */
export function runHelper<T>(file: string, input: unknown, onLine?: (line: string) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/support', file), JSON.stringify(input)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let last = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        last = line;
        onLine?.(line);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${file} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${file} printed no JSON result (last line: ${last.slice(0, 200)})`));
      }
    });
  });
}

/** `promise`, or a rejection naming `what` once `timeoutMs` has passed (a bench fails instead of hanging). */
export function withTimeout<T>(promise: Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for the ${what}`)), timeoutMs);
    }),
  ]);
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** p50/p95/p99/max of a sample, in ms. */
export function summarize(samples: readonly number[] | Float64Array): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

/** One line of figures: `label`, then p50/p95/p99 (and max, n) of `samples` in ms. */
export function percentileRow(label: string, samples: readonly number[], width = 58): string {
  const s = summarize(samples);
  return `  ${label.padEnd(width)} p50 ${ms(s.p50).padStart(9)}   p95 ${ms(s.p95).padStart(9)}   p99 ${ms(s.p99).padStart(9)}   (max ${ms(s.max)}, n=${s.n})`;
}

/** A difference in ms with its sign: `+1.20 ms`, `-0.35 ms`. */
export const signedMs = (x: number): string => `${x >= 0 ? '+' : '-'}${ms(Math.abs(x))}`;
