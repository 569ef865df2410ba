import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic, parsePandiumYaml, type Diagnostic } from '@pan/pandium-yaml';
import { EXIT_CODES_HELP, ExitCode } from '../exit-codes.ts';

/** One entry of `pan validate --json`. */
export interface FileReport {
  file: string;
  ok: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Validates one PANDIUM.yaml, or the PANDIUM.yaml at the root of a directory. Never throws. */
export async function validateFile(file: string): Promise<FileReport> {
  let text: string;
  let shownName = file;
  try {
    if ((await stat(file)).isDirectory()) shownName = path.join(file, 'PANDIUM.yaml');
    text = await readFile(shownName, 'utf8');
  } catch (error) {
    // An unreadable file is a finding about that file, not a reason to stop checking the others.
    const reason = error instanceof Error ? error.message : String(error);
    return { file: shownName, ok: false, errors: [{ line: 0, col: 0, path: '', message: `cannot read the file: ${reason}` }], warnings: [] };
  }
  const { ok, errors, warnings } = parsePandiumYaml(text);
  return { file: shownName, ok, errors, warnings };
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Check PANDIUM.yaml files (or directories holding one) against the format')
    .argument('<file...>', 'PANDIUM.yaml files or integration directories')
    .option('--json', 'print a JSON array of {file, ok, errors, warnings} on stdout instead of text')
    .addHelpText(
      'after',
      `
Text output: one "file:line:col: message" line per error and "file:line:col: warning: message"
per warning on stderr, then "file: ok" on stdout for each valid file.
${EXIT_CODES_HELP.replace('validation failed', 'at least one file is invalid or unreadable')}`,
    )
    .action(async (files: string[], options: { json?: boolean }) => {
      const reports = await Promise.all(files.map(validateFile));
      if (options.json) process.stdout.write(`${JSON.stringify(reports)}\n`);
      else for (const report of reports) printReport(report);
      process.exitCode = reports.every((report) => report.ok) ? ExitCode.Ok : ExitCode.Invalid;
    });
}

function printReport(report: FileReport): void {
  // Errors and warnings interleaved in file order read like a compiler's output.
  const diagnostics = [
    ...report.errors.map((diagnostic) => ({ diagnostic, severity: 'error' as const })),
    ...report.warnings.map((diagnostic) => ({ diagnostic, severity: 'warning' as const })),
  ].sort((a, b) => a.diagnostic.line - b.diagnostic.line || a.diagnostic.col - b.diagnostic.col);
  for (const { diagnostic, severity } of diagnostics) {
    process.stderr.write(`${formatDiagnostic(report.file, diagnostic, severity)}\n`);
  }
  if (report.ok) {
    const warningCount = report.warnings.length;
    const note = warningCount === 0 ? '' : ` (${warningCount} warning${warningCount === 1 ? '' : 's'})`;
    process.stdout.write(`${report.file}: ok${note}\n`);
  }
}
