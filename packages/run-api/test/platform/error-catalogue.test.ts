import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ERRORS, panError, PanError, type ErrorEntry } from '../../src/platform/errors.ts';
import { startTestStack, type TestStack } from '../support/index.ts';

/**
 * The one error catalogue (src/platform/errors.ts): every code the server answers is declared there
 * once with its status, no other file spells a code, and the OpenAPI document lists them all.
 */

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const CATALOGUE = path.join('platform', 'errors.ts');

/** Every file under src/, as [path relative to src/, text]. */
function sourceFiles(): Array<[string, string]> {
  return readdirSync(src, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(src, path.join(entry.parentPath, entry.name)))
    .sort()
    .map((file) => [file, readFileSync(path.join(src, file), 'utf8')]);
}

const entries = Object.entries(ERRORS) as Array<[string, ErrorEntry]>;

describe('the error catalogue', () => {
  it('is the only file under src/ that spells a PAN_ERR_ code', () => {
    const files = sourceFiles().filter(([file]) => file !== CATALOGUE);
    expect(files.length).toBeGreaterThan(10);
    const spelled = files.flatMap(([file, text]) =>
      text.split('\n').flatMap((line, index) => (line.includes('PAN_ERR_') ? [`src/${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(spelled, `PAN_ERR_ codes are spelled only in src/${CATALOGUE}: use ERRORS.<NAME> instead in\n${spelled.join('\n')}\n`).toEqual([]);
  });

  it('declares each code once, named after its key, with a 4xx or 5xx status and a one-line description', () => {
    expect(entries.length).toBeGreaterThan(0);
    for (const [name, entry] of entries) {
      expect(entry.code, name).toMatch(/^PAN_ERR_[A-Z0-9_]+$/);
      expect(entry.code, name).toBe(`PAN_ERR_${name}`);
      expect(entry.status, entry.code).toBeGreaterThanOrEqual(400);
      expect(entry.status, entry.code).toBeLessThan(600);
      if (entry.alsoStatus !== undefined) {
        expect(entry.alsoStatus, entry.code).toBeGreaterThanOrEqual(400);
        expect(entry.alsoStatus, entry.code).toBeLessThan(600);
        expect(entry.alsoStatus, entry.code).not.toBe(entry.status);
      }
      expect(entry.description, entry.code).toMatch(/^\S[^\n]*$/);
    }
    const codes = entries.map(([, entry]) => entry.code);
    expect(new Set(codes).size, 'codes are unique').toBe(codes.length);
  });

  it('declares only codes the server answers: each entry is used somewhere under src/ (as ERRORS.<NAME>)', () => {
    const text = sourceFiles().map(([, content]) => content).join('\n');
    const unused = entries.filter(([name]) => !new RegExp(`\\bERRORS\\.${name}\\b`).test(text)).map(([, entry]) => entry.code);
    expect(unused).toEqual([]);
  });

  it('panError takes its status from the catalogue', () => {
    const error = panError(ERRORS.TENANT_PAUSED, 'This integration is paused', { tenant: 't1' });
    expect(error).toBeInstanceOf(PanError);
    expect(error).toMatchObject({ statusCode: 409, code: 'PAN_ERR_TENANT_PAUSED', message: 'This integration is paused', details: { tenant: 't1' } });
    expect(panError(ERRORS.OAUTH_PROVIDER, 'x').statusCode).toBe(502);
    expect(panError(ERRORS.OAUTH_PROVIDER, 'x', undefined, ERRORS.OAUTH_PROVIDER.alsoStatus).statusCode).toBe(400);
  });
});

describe('GET /v2/openapi.json', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists every catalogue code with its status and description in x-pan-error-codes', async () => {
    const response = await stack.app.inject({ method: 'GET', url: '/v2/openapi.json' });
    expect(response.statusCode, response.body).toBe(200);
    const listed = (response.json() as { 'x-pan-error-codes'?: ErrorEntry[] })['x-pan-error-codes'];
    expect(listed).toEqual(entries.map(([, entry]) => entry));
  });
});
