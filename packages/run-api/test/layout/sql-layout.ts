/**
 * What the layout test reads in source text: SQL string and template literals, and the tables
 * their statements write. Kept apart from the test so that its own sabotage test can feed it text.
 */

/** Which module owns (alone writes) each table. */
export const tableOwners: Record<string, string> = {
  accounts: 'accounts',
  api_keys: 'accounts',
  account_jwt_keys: 'accounts',
  integrations: 'catalog',
  categories: 'catalog',
  integration_categories: 'catalog',
  releases: 'catalog',
  tenants: 'tenants',
  triggers: 'triggers',
  webhook_receipts: 'triggers',
  trigger_backlogs: 'triggers',
  runs: 'runs',
  run_log_lines: 'runs',
  tenant_schedules: 'runs',
  connectors: 'connections',
  connections: 'connections',
  oauth_states: 'connections',
  notification_endpoints: 'notifications',
  notification_deliveries: 'notifications',
  notification_attempts: 'notifications',
  source_webhooks: 'sourcecontrol',
  release_builds: 'sourcecontrol',
  source_credentials: 'sourcecontrol',
};

/** Files allowed to hold SQL: a module's store or SQL fragments, and the platform's database code. */
export const SQL_HOME = /^(modules\/[^/]+\/(store|sql)\.ts|platform\/db\/.+\.ts)$/;

/** The shape of a statement: SELECT ... FROM / SELECT f(...), INSERT INTO, UPDATE x SET, DELETE FROM. */
const SQL_STATEMENT = /\bSELECT\s[\s\S]*?(\bFROM\b|\w\s*\()|\bINSERT\s+INTO\b|\bUPDATE\s+\w+(\s+\w+)?\s+SET\b|\bDELETE\s+FROM\b/;

/** Every string and template literal of a TypeScript source (comments skipped), with its line. */
export function literals(text: string): { line: number; value: string }[] {
  const found: { line: number; value: string }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      line++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop - 1;
    } else if (c === "'" || c === '"' || c === '`') {
      const start = line;
      let value = '';
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\\') value += text[i++]!;
        if (text[i] === '\n') line++;
        value += text[i]!;
      }
      found.push({ line: start, value });
    }
  }
  return found;
}

/** A literal that reads as SQL (`'DELETE /v2/tenants/:id'` is a route, not a statement). */
export function isSql(value: string): boolean {
  return SQL_STATEMENT.test(value);
}

export function findSqlOutsideStores(files: { file: string; text: string }[]): string[] {
  return files
    .filter(({ file }) => !SQL_HOME.test(file))
    .flatMap(({ file, text }) => literals(text).filter(({ value }) => isSql(value)).map(({ line, value }) => `${file}:${line}: ${value.trim().slice(0, 80)}`));
}

/** The tables a source's SQL writes (INSERT INTO, UPDATE, DELETE FROM) and reads (FROM, JOIN). */
export function tablesTouched(text: string): { writes: string[]; reads: string[] } {
  const sql = literals(text)
    .filter(({ value }) => isSql(value))
    .map(({ value }) => value)
    .join('\n');
  const names = (pattern: RegExp) => [...sql.matchAll(pattern)].map((m) => m[1]!.toLowerCase()).filter((name) => name in tableOwners);
  return {
    writes: [...new Set(names(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/gi))],
    reads: [...new Set(names(/\b(?:FROM|JOIN)\s+(\w+)/gi))],
  };
}

/** `file: writes table (owned by module)` for every write outside the table's owning module. */
export function writesByForeignModules(files: { file: string; text: string }[]): string[] {
  return files.flatMap(({ file, text }) => {
    const module = /^modules\/([^/]+)\//.exec(file)?.[1] ?? '(outside modules)';
    return tablesTouched(text)
      .writes.filter((table) => tableOwners[table] !== module)
      .map((table) => `${file}: writes ${table} (owned by ${tableOwners[table]})`);
  });
}
