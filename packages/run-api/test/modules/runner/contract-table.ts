/**
 * The run contract table of docs/run-contract.md, read as data: each row's variable (a name, or a
 * pattern such as `PAN_SEC_<CONNECTOR>_<FIELD>`), documented form, presence rule and origin.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CONTRACT_DOC = fileURLToPath(new URL('../../../../../docs/run-contract.md', import.meta.url));

export type Presence =
  | 'always'
  | 'after a run'
  | 'after a successful run'
  | 'after a successful run that printed JSON'
  | 'with metadata_schema'
  | 'per saved setting'
  | 'per connected connector field';

const PRESENCES: readonly Presence[] = [
  'always',
  'after a run',
  'after a successful run',
  'after a successful run that printed JSON',
  'with metadata_schema',
  'per saved setting',
  'per connected connector field',
];

export interface ContractRow {
  variable: string;
  /** Matches the names this row covers (a `<PLACEHOLDER>` stands for one or more characters). */
  name: RegExp;
  /** The documented form as written in the table. */
  form: string;
  /** Whether a value has the documented form. */
  matches(value: string): boolean;
  presence: Presence;
  origin: 'Pandium' | 'ours';
}

/** What a run's situation makes present (the presence rules' inputs). */
export interface RunState {
  previousRun: boolean;
  previousSuccess: boolean;
  previousSuccessPrintedJson: boolean;
  metadataSchema: boolean;
  /** The `PAN_CFG_*` and `PAN_SEC_*` names the run must have (its settings, its connections). */
  settings: string[];
  secrets: string[];
}

/** Splits one Markdown table row into cells (`\|` is a pipe inside a cell). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

const code = (cell: string) => /^`(.*)`$/.exec(cell)?.[1];

export function readContractTable(file = CONTRACT_DOC): ContractRow[] {
  const text = readFileSync(file, 'utf8');
  const block = /<!-- contract-table:start -->\n([\s\S]*?)<!-- contract-table:end -->/.exec(text)?.[1];
  if (!block) throw new Error(`${file} has no contract table`);
  const lines = block.split('\n').filter((line) => line.trim().startsWith('|'));
  const [header, , ...rows] = lines;
  if (cells(header!).join(' / ') !== 'Variable / Documented form / Present / Origin') throw new Error(`unexpected table header: ${header}`);
  return rows.map((line) => {
    const [variableCell, formCell, presence, origin] = cells(line);
    const variable = code(variableCell!);
    if (!variable) throw new Error(`a variable in backticks expected: ${line}`);
    if (!PRESENCES.includes(presence as Presence)) throw new Error(`unknown presence rule "${presence}": ${line}`);
    if (origin !== 'Pandium' && origin !== 'ours') throw new Error(`origin must be Pandium or ours: ${line}`);
    const pattern = code(formCell!);
    let matches: (value: string) => boolean;
    if (formCell === 'JSON') {
      matches = (value) => {
        try {
          JSON.parse(value);
          return true;
        } catch {
          return false;
        }
      };
    } else if (pattern !== undefined) {
      const regex = new RegExp(pattern);
      matches = (value) => regex.test(value);
    } else {
      throw new Error(`a form is JSON or a regular expression in backticks: ${line}`);
    }
    const name = new RegExp(`^${variable.split(/<[A-Z]+>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
    return { variable, name, form: formCell!, matches, presence: presence as Presence, origin };
  });
}

/** Whether the row's variable(s) must be present in a run in this state; for per-name rows, which names. */
export function expectedNames(row: ContractRow, state: RunState): string[] {
  switch (row.presence) {
    case 'always':
      return [row.variable];
    case 'after a run':
      return state.previousRun ? [row.variable] : [];
    case 'after a successful run':
      return state.previousSuccess ? [row.variable] : [];
    case 'after a successful run that printed JSON':
      return state.previousSuccessPrintedJson ? [row.variable] : [];
    case 'with metadata_schema':
      return state.metadataSchema ? [row.variable] : [];
    case 'per saved setting':
      return state.settings.filter((name) => row.name.test(name));
    case 'per connected connector field':
      return state.secrets.filter((name) => row.name.test(name));
  }
}

/**
 * Every difference between a run's `PAN_*` variables and the table: a variable no row names, a
 * variable present that should not be (or absent that should be), a value not of its row's form.
 * Also returns the rows this run showed.
 */
export function compareWithTable(table: ContractRow[], env: Record<string, string>, state: RunState): { problems: string[]; seen: Set<ContractRow> } {
  const problems: string[] = [];
  const seen = new Set<ContractRow>();
  const names = Object.keys(env).filter((name) => name.startsWith('PAN_'));
  for (const name of names) {
    const rows = table.filter((row) => row.name.test(name));
    // An exact name wins over a pattern (PAN_CTX_... is never a PAN_CFG_<NAME>).
    const row = rows.find((r) => r.variable === name) ?? rows[0];
    if (!row) {
      problems.push(`${name}: no row of the contract table names it`);
      continue;
    }
    seen.add(row);
    if (!row.matches(env[name]!)) problems.push(`${name}=${JSON.stringify(env[name])}: not of the documented form ${row.form}`);
  }
  for (const row of table) {
    const expected = expectedNames(row, state);
    for (const name of expected) if (!(name in env)) problems.push(`${name}: missing (present ${row.presence})`);
    if (!row.variable.includes('<') && !expected.includes(row.variable) && row.variable in env) {
      problems.push(`${row.variable}: present, but the table says ${row.presence}`);
    }
    if (row.variable.includes('<')) {
      for (const name of names) if (row.name.test(name) && !table.some((r) => r.variable === name) && !expected.includes(name)) problems.push(`${name}: not expected (${row.presence})`);
    }
  }
  return { problems, seen };
}

/** The table as Markdown with one more column: a value a run showed for each row. */
export function tableWithValues(table: ContractRow[], values: Map<ContractRow, string>): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);
  const lines = ['| Variable | Documented form | Ours (a value seen) | Origin | Matches |', '|---|---|---|---|---|'];
  for (const row of table) {
    const value = values.get(row);
    lines.push(
      `| \`${row.variable}\` | ${escape(row.form)} | ${value === undefined ? '(not seen)' : `\`${escape(shorten(value))}\``} | ${row.origin} | ${value !== undefined && row.matches(value) ? 'yes' : 'NO'} |`,
    );
  }
  return lines.join('\n');
}
