/**
 * The run API's layout, checked: SQL lives only in module stores (and platform/db), every table
 * is written by its owner alone, and the import rules of .dependency-cruiser.cjs hold (no folder
 * cycles, platform imports no module, routes run no SQL, stores import no route or service).
 * docs/architecture.md is the map these checks keep true.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { findSqlOutsideStores, tableOwners, tablesTouched, writesByForeignModules } from './sql-layout.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repoDir = path.resolve(packageDir, '../..');
const srcDir = path.join(packageDir, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(srcDir, path.join(entry.parentPath, entry.name)));
}

const files = sourceFiles(srcDir).map((file) => ({ file, text: readFileSync(path.join(srcDir, file), 'utf8') }));

describe('the run API layout', () => {
  it('has SQL only in modules/*/store.ts, modules/*/sql.ts and platform/db', () => {
    expect(findSqlOutsideStores(files)).toEqual([]);
  });

  it('writes each table from its owning module only', () => {
    const migrations = readdirSync(path.join(packageDir, 'migrations')).map((name) => readFileSync(path.join(packageDir, 'migrations', name), 'utf8'));
    const created = new Set(migrations.flatMap((sql) => [...sql.matchAll(/CREATE TABLE (\w+)/gi)].map((m) => m[1]!.toLowerCase())));
    // Every table has an owner, and the map names no table that does not exist.
    expect([...created].sort()).toEqual(Object.keys(tableOwners).sort());
    expect(writesByForeignModules(files)).toEqual([]);
    // The check sees writes at all: each owner's store writes its tables.
    const written = new Set(files.flatMap(({ text }) => tablesTouched(text).writes));
    expect([...created].filter((table) => !written.has(table))).toEqual([]);
  });

  it('keeps the import rules (dependency-cruiser)', async () => {
    const { default: rules } = await import(path.join(packageDir, '.dependency-cruiser.cjs'));
    const result = await cruise(
      ['packages/run-api/src', 'packages/elements/src', 'packages/contract/src', 'packages/cli/src'],
      { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden } },
      undefined,
      { tsConfig: { fileName: path.join(repoDir, 'tsconfig.json') } },
    );
    const output = result.output as ICruiseResult;
    const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`);
    expect(violations).toEqual([]);
    // The rules ran over the whole tree, not over nothing.
    expect(output.summary.totalCruised).toBeGreaterThan(150);
  });
});
