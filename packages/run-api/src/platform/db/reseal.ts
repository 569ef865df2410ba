/**
 * Re-encryption of every sealed column under the primary key of a box (`pan secrets rotate`).
 * Each value is rewritten with its own compare-and-swap UPDATE (`WHERE pk = $1 AND col = $old`),
 * so a value the server wrote meanwhile is never replaced by stale data: it is looked at again on
 * the next pass. Passes repeat until one finds nothing left under an old key.
 */
import { sealedKeyId, type SecretBox } from '../crypto/secret-box.ts';
import type { Queryable } from './pool.ts';


/** A bytea column holding sealed values, and the (single-column) primary key of its table. */
export interface SealedColumn {
  table: string;
  column: string;
  primaryKey: string;
}

/**
 * Sealed columns: every bytea column of the schema named `*_sealed`, plus these older names. A new
 * secret column must follow the naming rule (the canary test checks every bytea column).
 */
export const EXTRA_SEALED_COLUMNS: readonly { table: string; column: string }[] = [{ table: 'accounts', column: 'jwt_hs256_secret' }];

/** The sealed columns of the current schema, in a stable order. */
export async function findSealedColumns(db: Queryable): Promise<SealedColumn[]> {
  const { rows } = await db.query<{ table_name: string; column_name: string; primary_key: string[] | null }>(
    `SELECT c.table_name, c.column_name,
            (SELECT array_agg(a.attname::text ORDER BY a.attnum)
               FROM pg_index i
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
              WHERE i.indrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND i.indisprimary) AS primary_key
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = current_schema() AND c.data_type = 'bytea'
        AND (c.column_name LIKE '%\\_sealed' OR (c.table_name, c.column_name) IN (SELECT * FROM unnest($1::text[], $2::text[])))
      ORDER BY c.table_name, c.column_name`,
    [EXTRA_SEALED_COLUMNS.map((c) => c.table), EXTRA_SEALED_COLUMNS.map((c) => c.column)],
  );
  return rows.map((row) => {
    if (!row.primary_key || row.primary_key.length !== 1) {
      throw new Error(`${row.table_name}.${row.column_name} holds sealed values but its table has no single-column primary key`);
    }
    return { table: row.table_name, column: row.column_name, primaryKey: row.primary_key[0]! };
  });
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface SealedColumnCount {
  table: string;
  column: string;
  /** Values per key id (hex), `v1` (version-1 values) or `invalid` (not a sealed value). */
  byKey: Record<string, number>;
  total: number;
}

/** How many values of each column are sealed with which key (read from the values' headers in SQL). */
export async function countSealedValues(db: Queryable, columns?: SealedColumn[]): Promise<SealedColumnCount[]> {
  const result: SealedColumnCount[] = [];
  for (const col of columns ?? (await findSealedColumns(db))) {
    const c = ident(col.column);
    const { rows } = await db.query<{ key_id: string; n: string }>(
      `SELECT CASE WHEN length(${c}) >= 29 AND get_byte(${c}, 0) = 1 THEN 'v1'
                   WHEN length(${c}) >= 37 AND get_byte(${c}, 0) = 2 THEN encode(substring(${c} FROM 2 FOR 8), 'hex')
                   ELSE 'invalid' END AS key_id,
              count(*) AS n
         FROM ${ident(col.table)} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    );
    const byKey: Record<string, number> = {};
    let total = 0;
    for (const row of rows) {
      byKey[row.key_id] = Number(row.n);
      total += Number(row.n);
    }
    result.push({ table: col.table, column: col.column, byKey, total });
  }
  return result;
}

export interface ResealColumnReport {
  table: string;
  column: string;
  /** Values rewritten under the primary key. */
  resealed: number;
  /** Values that could not be opened with any key (left as they are). */
  unreadable: number;
  /** Values still under an old key at the end (a writer kept using an old key). */
  remaining: number;
}

export interface ResealReport {
  primaryKeyId: string;
  columns: ResealColumnReport[];
  resealed: number;
  unreadable: number;
  remaining: number;
  /** Compare-and-swap misses: values that changed under us and were looked at again. */
  conflicts: number;
  passes: number;
  /** False when the time limit ended the passes while values were left under old keys. */
  complete: boolean;
}

export interface ResealOptions {
  /** Rows read per query (default 200). */
  batchSize?: number;
  /**
   * The last pass must start at or after this time (ms since epoch): servers follow the key file
   * at most a second late, and may seal with the previous key until they notice.
   */
  settleUntil?: number;
  /** Give up after this long (default 5 minutes), reporting what remains. */
  timeoutMs?: number;
  /** Pause between passes that still found work (default 250 ms). */
  pauseMs?: number;
  onProgress?: (event: { table: string; column: string; resealed: number; pass: number }) => void;
  now?: () => number;
}

/** Rewrites every value of every sealed column that is not sealed with `box`'s primary key. */
export async function resealAll(db: Queryable, box: SecretBox, options: ResealOptions = {}): Promise<ResealReport> {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 200;
  const deadline = now() + (options.timeoutMs ?? 5 * 60_000);
  const pauseMs = options.pauseMs ?? 250;
  const columns = await findSealedColumns(db);
  const primary = Buffer.from(box.primaryKeyId, 'hex');
  const reports = new Map(columns.map((c) => [`${c.table}.${c.column}`, { table: c.table, column: c.column, resealed: 0, unreadable: 0, remaining: 0 }]));
  let conflicts = 0;
  let passes = 0;
  let complete = false;
  // Values that no key opens, by column: skipped on later passes (their bytes, hex).
  const unreadable = new Map<string, Set<string>>(columns.map((c) => [`${c.table}.${c.column}`, new Set<string>()]));

  for (;;) {
    const passStartedAt = now();
    passes += 1;
    let pending = 0;
    for (const col of columns) {
      const name = `${col.table}.${col.column}`;
      const report = reports.get(name)!;
      const bad = unreadable.get(name)!;
      const outcome = await resealColumn(db, box, col, primary, batchSize, bad);
      report.resealed += outcome.resealed;
      report.unreadable = bad.size;
      conflicts += outcome.conflicts;
      pending += outcome.resealed + outcome.conflicts;
      if (outcome.resealed) options.onProgress?.({ table: col.table, column: col.column, resealed: outcome.resealed, pass: passes });
    }
    if (pending === 0 && passStartedAt >= (options.settleUntil ?? 0)) {
      // Nothing found: unless a writer slipped an old-key value in since, done.
      if ((await valuesUnderOldKeys(db, columns, box.primaryKeyId)) <= sumUnreadable(unreadable)) {
        complete = true;
        break;
      }
    }
    if (now() >= deadline) break;
    const wait = pending === 0 ? Math.max(0, Math.min(pauseMs * 4, (options.settleUntil ?? 0) - now())) : pauseMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 10)));
  }

  // What is left under an old key (beyond the unreadable values).
  for (const count of await countSealedValues(db, columns)) {
    const report = reports.get(`${count.table}.${count.column}`)!;
    const underOld = count.total - (count.byKey[box.primaryKeyId] ?? 0);
    report.remaining = Math.max(0, underOld - report.unreadable);
  }
  const list = [...reports.values()];
  const sum = (field: 'resealed' | 'unreadable' | 'remaining') => list.reduce((n, r) => n + r[field], 0);
  const remaining = sum('remaining');
  return {
    primaryKeyId: box.primaryKeyId,
    columns: list,
    resealed: sum('resealed'),
    unreadable: sum('unreadable'),
    remaining,
    conflicts,
    passes,
    complete: complete && remaining === 0,
  };
}

async function valuesUnderOldKeys(db: Queryable, columns: SealedColumn[], primaryKeyId: string): Promise<number> {
  let n = 0;
  for (const count of await countSealedValues(db, columns)) n += count.total - (count.byKey[primaryKeyId] ?? 0);
  return n;
}

function sumUnreadable(unreadable: Map<string, Set<string>>): number {
  let n = 0;
  for (const set of unreadable.values()) n += set.size;
  return n;
}

/** One pass over one column, in primary-key order. */
async function resealColumn(
  db: Queryable,
  box: SecretBox,
  col: SealedColumn,
  primary: Buffer,
  batchSize: number,
  unreadable: Set<string>,
): Promise<{ resealed: number; conflicts: number }> {
  const table = ident(col.table);
  const c = ident(col.column);
  const pk = ident(col.primaryKey);
  const notPrimary = `${c} IS NOT NULL AND NOT (length(${c}) >= 37 AND get_byte(${c}, 0) = 2 AND substring(${c} FROM 2 FOR 8) = $1)`;
  let resealed = 0;
  let conflicts = 0;
  let after: unknown = undefined;
  for (;;) {
    const { rows } = await db.query<{ pk: unknown; value: Buffer }>(
      after === undefined
        ? `SELECT ${pk} AS pk, ${c} AS value FROM ${table} WHERE ${notPrimary} ORDER BY ${pk} LIMIT $2`
        : `SELECT ${pk} AS pk, ${c} AS value FROM ${table} WHERE ${notPrimary} AND ${pk} > $3 ORDER BY ${pk} LIMIT $2`,
      after === undefined ? [primary, batchSize] : [primary, batchSize, after],
    );
    for (const row of rows) {
      const hex = row.value.toString('hex');
      if (unreadable.has(hex)) continue;
      let plaintext: Buffer;
      try {
        if (sealedKeyId(row.value) === null) throw new Error('not sealed');
        plaintext = box.open(row.value);
      } catch {
        unreadable.add(hex);
        continue;
      }
      const fresh = box.seal(plaintext);
      plaintext.fill(0);
      // Compare-and-swap: only if the value is still the one we opened.
      const { rowCount } = await db.query(`UPDATE ${table} SET ${c} = $1 WHERE ${pk} = $2 AND ${c} = $3`, [fresh, row.pk, row.value]);
      if (rowCount) resealed += 1;
      else conflicts += 1;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!.pk;
  }
  return { resealed, conflicts };
}
