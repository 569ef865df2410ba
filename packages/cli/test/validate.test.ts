import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const panBin = fileURLToPath(new URL('../bin/pan.js', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../../pandium-yaml/test/fixtures/', import.meta.url));
const fixtures = readdirSync(fixturesDir)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => path.join(fixturesDir, name));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `pan` launcher (the compiled CLI), the way a user's shell would: without the
 * NODE_OPTIONS of the tests, whose condition would point its imports at TypeScript sources.
 */
function pan(...args: string[]): Promise<CliRun> {
  const { NODE_OPTIONS: _sources, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [panBin, ...args], { encoding: 'utf8', env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function lines(output: string): string[] {
  return output.split('\n').filter((line) => line !== '');
}

let workDir: string;
let misspelledRun: string;
let malformed: string;
let missingFile: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'pan-validate-'));
  misspelledRun = path.join(workDir, 'misspelled-run.yaml');
  writeFileSync(misspelledRun, 'version: 0.4\nbase: node:24\nrnu: node .\n');
  malformed = path.join(workDir, 'malformed.yaml');
  writeFileSync(malformed, 'version: 0.4\nrun: node .\nconnectors: [hubspot, aws\nconfigs: {}\n');
  missingFile = path.join(workDir, 'does-not-exist.yaml');
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('pan validate', () => {
  it('accepts the real fixtures: exit 0 and one ok line per file', async () => {
    const run = await pan('validate', ...fixtures);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      `${fixtures[0]}: ok`,
      `${fixtures[1]}: ok (1 warning)`,
      `${fixtures[2]}: ok`,
      `${fixtures[3]}: ok`,
    ]);
    expect(lines(run.stderr)).toEqual([`${fixtures[1]}:12:5: warning: unknown key \`name\` in the configs schema is ignored`]);
  });

  it('prints file:line:col: message for an invalid file and exits 1', async () => {
    const run = await pan('validate', misspelledRun);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([`${misspelledRun}:3:1: unknown top-level key \`rnu\` (did you mean \`run\`?)`]);
  });

  it('reports malformed YAML at the parser position', async () => {
    const run = await pan('validate', malformed);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `${malformed}:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it('keeps checking after an invalid file and still says ok for the valid ones', async () => {
    const [firstFixture] = fixtures;
    const run = await pan('validate', misspelledRun, firstFixture ?? '');
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([`${firstFixture}: ok`]);
  });

  it('treats an unreadable file as an error of that file, at 0:0', async () => {
    const run = await pan('validate', missingFile);
    expect(run.code).toBe(1);
    const [line] = lines(run.stderr);
    expect(line).toMatch(new RegExp(`^${escapeRegExp(missingFile)}:0:0: cannot read the file: ENOENT`));
  });

  it('validates the PANDIUM.yaml inside a directory', async () => {
    const integrationDir = path.join(workDir, 'integration');
    mkdirSync(integrationDir);
    writeFileSync(path.join(integrationDir, 'PANDIUM.yaml'), 'version: 1.0\nbase: node:24\nrun: node .\n');
    const run = await pan('validate', integrationDir);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([`${path.join(integrationDir, 'PANDIUM.yaml')}: ok`]);
  });

  describe('i18n', () => {
    const configs = [
      'version: 0.4',
      'run: node .',
      'configs:',
      '  schema:',
      '    type: object',
      '    properties:',
      '      tone: {type: string, oneOf: [{title: Friendly, const: f}]}',
      '  uischema:',
      '    elements:',
      '      - {type: Section, label: Message, elements: [{type: Control, scope: "#/properties/tone"}]}',
    ];

    it('accepts translations that point at real things', async () => {
      const file = path.join(workDir, 'i18n-ok.yaml');
      const german = ['i18n:', '  de:', '    "#/properties/tone/oneOf/0": {title: Freundlich}', '    "uischema#/elements/0": {label: Nachricht}'];
      writeFileSync(file, [...configs, ...german, ''].join('\n'));
      const run = await pan('validate', file);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(lines(run.stdout)).toEqual([`${file}: ok`]);
    });

    it('names the line:col of a bad locale tag and of keys that point at nothing', async () => {
      const file = path.join(workDir, 'i18n-bad.yaml');
      const broken = [
        'i18n:', //                                                    11
        '  de_DE:',
        '    "#": {title: Einstellungen}',
        '  fr:',
        '    "#/properties/colour": {title: Couleur}', //             15
        '    "uischema#/elements/1": {label: Deux}',
        '    "uischema#/elements/0": {hint: Astuce}',
      ];
      writeFileSync(file, [...configs, ...broken, ''].join('\n'));
      const run = await pan('validate', file);
      expect(run.code).toBe(1);
      expect(lines(run.stderr)).toEqual([
        `${file}:12:3: \`de_DE\` is not a BCP 47 language tag (e.g. \`de\`, \`de-AT\`, \`pt-BR\`)`,
        `${file}:15:5: \`#/properties/colour\` points at nothing in \`configs.schema\``,
        `${file}:16:5: \`uischema#/elements/1\` points at nothing in \`configs.uischema\``,
        `${file}:17:30: \`hint\` cannot be translated on a Section; it has \`label\`, \`subtitle\`, \`hintText\``,
      ]);
    });
  });

  describe('--json', () => {
    it('prints one entry per file with errors and warnings, and nothing on stderr', async () => {
      const run = await pan('validate', '--json', misspelledRun, missingFile, ...fixtures);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      const reports = JSON.parse(run.stdout) as unknown[];
      expect(reports).toHaveLength(2 + fixtures.length);
      expect(reports[0]).toEqual({
        file: misspelledRun,
        ok: false,
        errors: [{ line: 3, col: 1, path: 'rnu', message: 'unknown top-level key `rnu` (did you mean `run`?)' }],
        warnings: [],
      });
      expect(reports[1]).toEqual({
        file: missingFile,
        ok: false,
        errors: [{ line: 0, col: 0, path: '', message: expect.stringContaining('cannot read the file') }],
        warnings: [],
      });
      for (const [index, fixture] of fixtures.entries()) {
        expect(reports[2 + index]).toMatchObject({ file: fixture, ok: true, errors: [] });
      }
    });

    it('exits 0 when every file is valid', async () => {
      const run = await pan('validate', '--json', ...fixtures);
      expect(run.code).toBe(0);
      const reports = JSON.parse(run.stdout) as { file: string; ok: boolean; errors: unknown[]; warnings: unknown[] }[];
      expect(reports.map((report) => Object.keys(report))).toEqual(fixtures.map(() => ['file', 'ok', 'errors', 'warnings']));
      expect(reports.every((report) => report.ok)).toBe(true);
    });
  });

  describe('usage', () => {
    it('exits 2 without a file', async () => {
      const run = await pan('validate');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("missing required argument 'file'");
    });

    it('exits 2 on an unknown option', async () => {
      const run = await pan('validate', '--strict', misspelledRun);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("unknown option '--strict'");
    });

    it('exits 2 on an unknown command', async () => {
      const run = await pan('valdate', misspelledRun);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("unknown command 'valdate'");
    });

    it('documents the exit codes in validate --help and exits 0', async () => {
      const run = await pan('validate', '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: pan validate [options] <file...>');
      expect(run.stdout).toMatch(/Exit codes:\n\s+0\s+ok\n\s+1\s+invalid input.*\n\s+2\s+usage error\n\s+3\s+server or network error/);
    });

    it('lists the commands and exit codes in pan --help', async () => {
      const run = await pan('--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^\s+validate \[options\] <file\.\.\.>/m);
      expect(run.stdout).toMatch(/^\s+release\s/m);
      expect(run.stdout).toContain('Exit codes:');
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
