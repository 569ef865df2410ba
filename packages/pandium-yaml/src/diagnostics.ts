import type { LineCounter } from 'yaml';
import type { Diagnostic } from './types.ts';

/** Anything with a source range (every parsed YAML node), or a raw character offset. */
export type Location = { range?: readonly [number, ...number[]] | null } | number | null | undefined;

export type Severity = 'error' | 'warning';

/** Collects errors and warnings, turning node ranges into 1-based line/col. */
export class DiagnosticCollector {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  constructor(private readonly lineCounter: LineCounter) {}

  error(at: Location, path: string, message: string): void {
    this.errors.push(this.diagnostic(at, path, message));
  }

  warn(at: Location, path: string, message: string): void {
    this.warnings.push(this.diagnostic(at, path, message));
  }

  private diagnostic(at: Location, path: string, message: string): Diagnostic {
    const offset = typeof at === 'number' ? at : at?.range?.[0];
    if (offset === undefined) return { line: 1, col: 1, path, message };
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, col, path, message };
  }
}

/** Orders diagnostics the way a reader meets them in the file. */
export function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** `file:line:col: message`, or `file:line:col: warning: message` for warnings. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic, severity: Severity = 'error'): string {
  const prefix = severity === 'warning' ? 'warning: ' : '';
  return `${file}:${diagnostic.line}:${diagnostic.col}: ${prefix}${diagnostic.message}`;
}
