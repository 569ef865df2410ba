import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ResealReport, SealedColumnCount } from '@pan/run-api';
import { runAction } from '../api-options.ts';
import { CommandFailure } from '../exit-codes.ts';
import { loadRunApi, serverSettings as settings, withServerDatabase, type DataDirOptions } from '../server-database.ts';

/**
 * `pan secrets status|rotate`: the keys that seal stored credentials (AES-256-GCM, see
 * ARCHITECTURE.md "Secrets"). The database is the server's: DATABASE_URL, else the embedded
 * cluster of the data directory (the running one, or started for the command). The keys are the
 * server's too: PAN_SECRET_KEY (+ PAN_SECRET_KEYS_OLD), else `<data dir>/secret.keys`.
 */

const ROTATE_EXIT_CODES = `
Exit codes:
  0  done: every stored secret is sealed with the primary key (or, with PAN_SECRET_KEY and no
     --new-key: a new key was printed, nothing changed)
  1  not done: values that no key opens, values still under an old key when the time limit ended,
     or --retire refused because an old key is still in use
  2  usage error (unknown option, malformed key)
  3  the database or the key file could not be used, or another rotation is running`;

const ROTATION_LOCK = { key: "hashtext('pan-secrets-rotate')", busy: 'another `pan secrets rotate` is running on this database' };

type CommonOptions = DataDirOptions;

interface RotateOptions extends CommonOptions {
  newKey?: string;
  resume?: boolean;
  retire?: boolean;
  batchSize: string;
  settleMs: string;
  timeoutMs: string;
}


export function registerSecrets(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('Manage the keys that seal stored credentials (connections, webhook and JWT secrets)')
    .addHelpText(
      'after',
      `
Keys come from PAN_SECRET_KEY (+ PAN_SECRET_KEYS_OLD, comma-separated) when set, else from
<data dir>/secret.keys (PAN_DATA_DIR, default .pan-data). The database is DATABASE_URL, else the
embedded cluster in the data directory.`,
    );

  secrets
    .command('status')
    .description('Show the keys and how many stored values each one seals (never a key or a value)')
    .option('--data-dir <dir>', 'the server\'s data directory (env PAN_DATA_DIR)')
    .addHelpText('after', '\nExit codes: 0 every value is under the primary key, 1 some are under an old key or unreadable, 2 usage, 3 database or key file error.')
    .action(async (opts: CommonOptions) => {
      await runAction('pan secrets status', () => status(opts), { unexpectedExitCode: 3 });
    });

  secrets
    .command('rotate')
    .description(
      'Add a new primary key, then re-encrypt every stored secret with it while the server keeps serving ' +
        '(running servers pick the new key up from the key file within a second)',
    )
    .option('--data-dir <dir>', 'the server\'s data directory (env PAN_DATA_DIR)')
    .option('--new-key <base64>', 'use this key (32 bytes, base64; "-" reads it from stdin) instead of generating one; with PAN_SECRET_KEY: the key the servers were restarted with')
    .option('--resume', 'add no key: re-encrypt what is left under old keys (after an interrupted rotation)')
    .option('--retire', 'add no key: remove the old keys from the key file, if no stored value uses them any more')
    .option('--batch-size <n>', 'rows read per query', '200')
    .option('--settle-ms <ms>', 'the last pass starts at least this long after the key was added (servers notice within ~1 s)', '2000')
    .option('--timeout-ms <ms>', 'give up re-encrypting after this long (exit 1)', '300000')
    .addHelpText('after', ROTATE_EXIT_CODES)
    .action(async (opts: RotateOptions) => {
      await runAction('pan secrets rotate', () => rotate(opts), { unexpectedExitCode: 3 });
    });
}


function positiveInteger(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CommandFailure(`${name} must be a non-negative integer, got "${value}"`, 2);
  return n;
}

async function readNewKey(value: string): Promise<string> {
  if (value !== '-') return value;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** The ring the command works with: from the env (PAN_SECRET_KEY) or the key file. */
async function currentRing(s: ReturnType<typeof settings>): Promise<{ mode: 'env' | 'file'; keys: Buffer[]; file?: string; legacy?: boolean }> {
  const api = await loadRunApi();
  if (s.envKey) {
    let primary: Buffer;
    let old: Buffer[];
    try {
      primary = api.parseSecretKey(s.envKey, 'PAN_SECRET_KEY');
      old = api.parseKeyList(s.envOldKeys, 'PAN_SECRET_KEYS_OLD');
    } catch (error) {
      throw new CommandFailure((error as Error).message, 2);
    }
    return { mode: 'env', keys: [...old, primary] };
  }
  let contents: Awaited<ReturnType<typeof api.readKeyFile>>;
  try {
    contents = await api.readKeyFile(s.dataDir);
  } catch (error) {
    throw new CommandFailure(`cannot read the key file: ${(error as Error).message}`, 3);
  }
  if (!contents) {
    throw new CommandFailure(
      `no key file in ${s.dataDir} (${api.KEY_FILE_NAME} or ${api.LEGACY_KEY_FILE_NAME}); point --data-dir or PAN_DATA_DIR at the server's data directory, or set PAN_SECRET_KEY`,
      3,
    );
  }
  return { mode: 'file', keys: contents.keys.map((k) => k.key), file: contents.file, legacy: contents.legacy };
}

function printCounts(counts: SealedColumnCount[], primaryId: string, knownIds: string[]): { underOld: number; unknown: number } {
  let underOld = 0;
  let unknown = 0;
  const width = Math.max(20, ...counts.map((c) => `${c.table}.${c.column}`.length));
  for (const count of counts) {
    const parts = Object.entries(count.byKey).map(([id, n]) => {
      const label = id === primaryId ? `${id} (primary)` : id === 'v1' ? 'v1 (no key id: the first key)' : knownIds.includes(id) ? `${id} (old)` : `${id} (unknown key)`;
      if (id !== primaryId) underOld += n;
      if (id !== 'v1' && id !== primaryId && !knownIds.includes(id)) unknown += n;
      return `${n} ${label}`;
    });
    console.log(`  ${`${count.table}.${count.column}`.padEnd(width)}  ${parts.length ? parts.join(', ') : 'none'}`);
  }
  return { underOld, unknown };
}

async function status(opts: CommonOptions): Promise<number> {
  const s = settings(opts);
  const api = await loadRunApi();
  const ring = await currentRing(s);
  const ids = ring.keys.map((k) => api.secretKeyId(k));
  const primaryId = ids[ids.length - 1]!;
  console.log(ring.mode === 'env' ? 'Keys: PAN_SECRET_KEY (primary) and PAN_SECRET_KEYS_OLD' : `Key file: ${ring.file}`);
  ids.forEach((id, index) => console.log(`  ${id}${index === ids.length - 1 ? '  primary' : '  old'}`));
  return withServerDatabase(s, null, async (db, via) => {
    console.log(`Stored secrets (database: ${via}):`);
    const { underOld, unknown } = printCounts(await api.countSealedValues(db), primaryId, ids);
    if (unknown) console.log(`${unknown} value(s) name a key that is not in the ring: they cannot be opened.`);
    if (underOld) console.log(`${underOld} value(s) are not sealed with the primary key: \`pan secrets rotate --resume\` re-encrypts them.`);
    else console.log('Every stored secret is sealed with the primary key.');
    return underOld ? 1 : 0;
  });
}

async function rotate(opts: RotateOptions): Promise<number> {
  const s = settings(opts);
  const api = await loadRunApi();
  const batchSize = Math.max(1, positiveInteger(opts.batchSize, '--batch-size'));
  const settleMs = positiveInteger(opts.settleMs, '--settle-ms');
  const timeoutMs = positiveInteger(opts.timeoutMs, '--timeout-ms');
  if ([opts.newKey !== undefined, opts.resume, opts.retire].filter(Boolean).length > 1) {
    throw new CommandFailure('--new-key, --resume and --retire exclude each other', 2);
  }
  let newKey: Buffer | undefined;
  if (opts.newKey !== undefined) {
    try {
      newKey = api.parseSecretKey(await readNewKey(opts.newKey), '--new-key');
    } catch (error) {
      throw new CommandFailure((error as Error).message, 2);
    }
  }
  const ring = await currentRing(s);

  if (opts.retire) return retire(s, ring);

  if (ring.mode === 'env' && !newKey && !opts.resume) {
    // The environment cannot be written from here: hand the key over with the steps.
    const key = api.generateSecretKey();
    console.log(`PAN_SECRET_KEY is set, so the keys live in the servers' environment, which this command cannot change.
New key ${api.secretKeyId(key)} (shown once; store it where PAN_SECRET_KEY is kept):

  ${key.toString('base64')}

1. On every server and worker, set
     PAN_SECRET_KEY=<the new key above>
     PAN_SECRET_KEYS_OLD=<the current PAN_SECRET_KEY>${s.envOldKeys?.trim() ? ',<the current PAN_SECRET_KEYS_OLD>' : ''}
   and restart them (they seal with the new key and still open values sealed with the old ones).
2. Re-encrypt the stored secrets (with the old or the new environment):
     pan secrets rotate --new-key -      (reads the new key from stdin)
3. When it reports that nothing is left under an old key, drop PAN_SECRET_KEYS_OLD and restart.
Nothing was changed.`);
    return 0;
  }

  return withServerDatabase(s, ROTATION_LOCK, async (db, via) => {
    let keys = ring.keys;
    let settleUntil = Date.now();
    if (ring.mode === 'file' && !opts.resume) {
      const key = newKey ?? api.generateSecretKey();
      const id = api.secretKeyId(key);
      const entries = (await api.readKeyFile(s.dataDir))!.keys.filter((k) => k.id !== id);
      try {
        await api.writeKeyFile(s.dataDir, [...entries, { id, key, createdAt: new Date().toISOString() }]);
      } catch (error) {
        throw new CommandFailure(`cannot write the key file: ${(error as Error).message}`, 3);
      }
      keys = [...entries.map((k) => k.key), key];
      settleUntil = Date.now() + settleMs;
      console.log(
        `Added key ${id} as the primary key in ${path.join(s.dataDir, api.KEY_FILE_NAME)}` +
          (ring.legacy ? ` (moved from ${api.LEGACY_KEY_FILE_NAME})` : '') +
          `; ${entries.length} older key(s) kept.`,
      );
    } else if (ring.mode === 'file') {
      // Servers may not have noticed a key added moments ago.
      settleUntil = Math.max(settleUntil, statSync(ring.file!).mtimeMs + settleMs);
      console.log(`Re-encrypting under the current primary key ${api.secretKeyId(keys[keys.length - 1]!)}.`);
    } else if (newKey) {
      keys = [...keys.filter((k) => !k.equals(newKey)), newKey];
      console.log(`Re-encrypting under the new key ${api.secretKeyId(newKey)} (from --new-key).`);
    } else {
      console.log(`Re-encrypting under PAN_SECRET_KEY ${api.secretKeyId(keys[keys.length - 1]!)}.`);
    }
    const box = new api.SecretBox(keys);
    console.log(`Database: ${via}`);
    const started = Date.now();
    const report = await api.resealAll(db, box, { batchSize, settleUntil, timeoutMs });
    printReport(report, Date.now() - started);
    if (report.complete && report.unreadable === 0) {
      console.log(
        ring.mode === 'file'
          ? 'Old keys stay in the key file; `pan secrets rotate --retire` removes them once no copy of the old key file is in use.'
          : 'Nothing is left under an old key: PAN_SECRET_KEYS_OLD can be emptied on every server.',
      );
      return 0;
    }
    return 1;
  });
}

function printReport(report: ResealReport, elapsedMs: number): void {
  const width = Math.max(20, ...report.columns.map((c) => `${c.table}.${c.column}`.length));
  for (const column of report.columns) {
    const extra = [column.unreadable ? `${column.unreadable} unreadable` : '', column.remaining ? `${column.remaining} still under an old key` : '']
      .filter(Boolean)
      .join(', ');
    console.log(`  ${`${column.table}.${column.column}`.padEnd(width)}  ${String(column.resealed).padStart(6)} re-encrypted${extra ? `, ${extra}` : ''}`);
  }
  console.log(
    `${report.complete && report.unreadable === 0 ? 'Done' : 'Not done'} in ${(elapsedMs / 1000).toFixed(1)} s: ${report.resealed} value(s) re-encrypted under ${report.primaryKeyId}, ` +
      `${report.remaining} left under an old key, ${report.unreadable} unreadable (${report.passes} pass(es), ${report.conflicts} concurrent change(s) retried).`,
  );
  if (report.unreadable) console.log('Unreadable values were left as they are: no key in the ring opens them (a lost key, or damaged data).');
  if (report.remaining) console.log('Some writer still seals with an old key (a server with an old key file or environment?); run `pan secrets rotate --resume` again.');
}

async function retire(s: ReturnType<typeof settings>, ring: Awaited<ReturnType<typeof currentRing>>): Promise<number> {
  const api = await loadRunApi();
  const ids = ring.keys.map((k) => api.secretKeyId(k));
  const primaryId = ids[ids.length - 1]!;
  return withServerDatabase(s, ROTATION_LOCK, async (db) => {
    const inUse = async () => {
      const counts = await api.countSealedValues(db);
      let n = 0;
      for (const count of counts) n += count.total - (count.byKey[primaryId] ?? 0);
      return { counts, n };
    };
    const before = await inUse();
    if (before.n > 0) {
      console.log(`Not retiring: ${before.n} stored value(s) are not sealed with the primary key ${primaryId}:`);
      printCounts(before.counts, primaryId, ids);
      console.log('Run `pan secrets rotate --resume` first.');
      return 1;
    }
    if (ids.length === 1) {
      console.log(`Nothing to retire: ${primaryId} is the only key.`);
      return 0;
    }
    const old = ids.slice(0, -1);
    if (ring.mode === 'env') {
      console.log(`No stored value uses ${old.join(', ')}: PAN_SECRET_KEYS_OLD can be emptied on every server (then restart them).`);
      return 0;
    }
    const contents = (await api.readKeyFile(s.dataDir))!;
    const primary = contents.keys[contents.keys.length - 1]!;
    if (primary.id !== primaryId) throw new CommandFailure('the key file changed meanwhile; run the command again', 3);
    await api.writeKeyFile(s.dataDir, [primary]);
    // A server that had not noticed the last rotation could have sealed with an old key meanwhile.
    const after = await inUse();
    if (after.n > 0) {
      await api.writeKeyFile(s.dataDir, contents.keys);
      console.log(`Not retiring: ${after.n} value(s) were just sealed with an old key (a server still uses it); the keys were put back.`);
      return 1;
    }
    console.log(`Retired ${old.length} key(s) (${old.join(', ')}); ${primaryId} is the only key in ${path.join(s.dataDir, api.KEY_FILE_NAME)}.`);
    return 0;
  });
}
