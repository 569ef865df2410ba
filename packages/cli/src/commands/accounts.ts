import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { runAction } from '../api-options.ts';
import { CommandFailure, EXIT_CODES_HELP, ExitCode } from '../exit-codes.ts';
import { loadRunApi, serverSettings, withServerDatabase, type DataDirOptions } from '../server-database.ts';

/**
 * `pan accounts create|api-key|keys|revoke-key`: what a fresh server (`pan serve`) needs before anyone can use it.
 * Works on the server's database directly, like `pan secrets`; secrets are printed once, here.
 */

interface CreateOptions extends DataDirOptions {
  name?: string;
  issuer?: string;
  audience: string;
  keyName: string;
  json?: boolean;
}

interface ApiKeyOptions extends DataDirOptions {
  name: string;
  json?: boolean;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function registerAccounts(program: Command): void {
  const accounts = program
    .command('accounts')
    .description("Create accounts and API keys on the server's own database (DATABASE_URL, else the data directory)");

  accounts
    .command('create <slug>')
    .description('Create an account: prints its API key and the HS256 secret its backend signs end-user tokens with (shown once)')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--issuer <iss>', 'the `iss` of its end-user tokens (default: the slug)')
    .option('--audience <aud>', 'the `aud` its end-user tokens carry', 'pan-marketplace')
    .option('--key-name <name>', 'a label for the API key', 'default')
    .option('--data-dir <dir>', "the server's data directory (env PAN_DATA_DIR)")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  pan accounts create acme --name "Acme CRM"
  pan accounts create acme --issuer https://app.acme.example --audience pan-marketplace --json
${EXIT_CODES_HELP}`,
    )
    .action(async (slug: string, opts: CreateOptions) => {
      await runAction('pan accounts create', () => create(slug, opts), { unexpectedExitCode: ExitCode.Server });
    });

  accounts
    .command('api-key <slug>')
    .description("Add an API key to an account (printed once; the server keeps only its hash)")
    .option('--name <name>', 'a label for the key', 'added')
    .option('--data-dir <dir>', "the server's data directory (env PAN_DATA_DIR)")
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExample:\n  pan accounts api-key acme --name ci\n${EXIT_CODES_HELP}`)
    .action(async (slug: string, opts: ApiKeyOptions) => {
      await runAction('pan accounts api-key', () => addKey(slug, opts), { unexpectedExitCode: ExitCode.Server });
    });

  accounts
    .command('keys <slug>')
    .description("List an account's API keys: prefix, name, created, revoked (never a key)")
    .option('--data-dir <dir>', "the server's data directory (env PAN_DATA_DIR)")
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `\nExample:\n  pan accounts keys acme\n${EXIT_CODES_HELP}`)
    .action(async (slug: string, opts: ApiKeyOptions) => {
      await runAction('pan accounts keys', () => listKeys(slug, opts), { unexpectedExitCode: ExitCode.Server });
    });

  accounts
    .command('revoke-key <slug> <prefix>')
    .description('Revoke an API key by its prefix (as `pan accounts keys` lists it); effective on the next request')
    .option('--data-dir <dir>', "the server's data directory (env PAN_DATA_DIR)")
    .addHelpText('after', `\nExample:\n  pan accounts revoke-key acme pan_Xy12ab\n${EXIT_CODES_HELP}`)
    .action(async (slug: string, prefix: string, opts: DataDirOptions) => {
      await runAction('pan accounts revoke-key', () => revokeKey(slug, prefix, opts), { unexpectedExitCode: ExitCode.Server });
    });
}

async function create(slug: string, opts: CreateOptions): Promise<number> {
  if (!SLUG.test(slug)) throw new CommandFailure(`"${slug}" is not a slug: lowercase letters, digits and hyphens, at most 63`, ExitCode.Usage);
  const s = serverSettings(opts);
  const api = await loadRunApi();
  const box = await api.loadSecretBox(s.envKey, s.dataDir);
  return withServerDatabase(s, { key: "hashtext('pan-accounts')", busy: 'another `pan accounts create` is running on this database' }, async (db) => {
    const { rowCount } = await db.query('SELECT 1 FROM accounts WHERE slug = $1', [slug]);
    if (rowCount) throw new CommandFailure(`an account "${slug}" exists already (add a key with: pan accounts api-key ${slug})`, ExitCode.Invalid);
    const hs256Secret = randomBytes(32);
    const settings = {
      slug,
      name: opts.name ?? slug,
      jwtIssuer: opts.issuer ?? slug,
      jwtAudience: opts.audience,
      jwtAlgorithms: ['HS256' as const],
      hs256Secret,
    };
    const id = await api.upsertAccount(db, box, settings);
    const apiKey = await api.createApiKey(db, id, opts.keyName);
    const result = {
      id,
      slug,
      api_key: apiKey,
      jwt: { alg: 'HS256', iss: settings.jwtIssuer, aud: settings.jwtAudience, secret_base64url: hs256Secret.toString('base64url') },
    };
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    else {
      console.log(`Account ${slug} (${id})`);
      console.log(`  API key (X-API-KEY):     ${apiKey}`);
      console.log(`  End-user tokens:         HS256, iss "${settings.jwtIssuer}", aud "${settings.jwtAudience}"`);
      console.log(`  HS256 secret (base64url): ${result.jwt.secret_base64url}`);
      console.log('Keep both secrets in your backend; they are not shown again.');
    }
    return ExitCode.Ok;
  }, { migrate: true });
}

async function accountId(db: import('@pan/run-api').Db, slug: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM accounts WHERE slug = $1', [slug]);
  if (!rows[0]) throw new CommandFailure(`no account "${slug}"`, ExitCode.Invalid);
  return rows[0].id;
}

async function listKeys(slug: string, opts: ApiKeyOptions): Promise<number> {
  const api = await loadRunApi();
  return withServerDatabase(serverSettings(opts), null, async (db) => {
    const keys = await api.listApiKeys(db, await accountId(db, slug));
    if (opts.json) console.log(JSON.stringify(keys, null, 2));
    else for (const k of keys) console.log(`${k.prefix}…  ${k.name}  created ${k.created_at}${k.revoked_at ? `  REVOKED ${k.revoked_at}` : ''}`);
    return ExitCode.Ok;
  });
}

async function revokeKey(slug: string, prefix: string, opts: DataDirOptions): Promise<number> {
  const api = await loadRunApi();
  return withServerDatabase(serverSettings(opts), null, async (db) => {
    const revoked = await api.revokeApiKeys(db, await accountId(db, slug), prefix.replace(/…$/, ''));
    if (revoked === 0) throw new CommandFailure(`no active key of "${slug}" starts with ${prefix} (see: pan accounts keys ${slug})`, ExitCode.Invalid);
    console.log(`Revoked ${revoked} key${revoked === 1 ? '' : 's'} of ${slug} (${prefix}); requests with it now get 401.`);
    return ExitCode.Ok;
  });
}

async function addKey(slug: string, opts: ApiKeyOptions): Promise<number> {
  const s = serverSettings(opts);
  const api = await loadRunApi();
  return withServerDatabase(s, null, async (db) => {
    const apiKey = await api.createApiKey(db, await accountId(db, slug), opts.name);
    if (opts.json) console.log(JSON.stringify({ slug, api_key: apiKey }, null, 2));
    else console.log(`API key for ${slug}: ${apiKey}\nKeep it in your backend; it is not shown again.`);
    return ExitCode.Ok;
  });
}
