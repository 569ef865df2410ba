import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { elementsImportMap, elementsScriptTag, readBundle, type ElementsBundle } from '../../src/http/elements-bundle.ts';
import { startTestStack, type TestStack } from '../support/index.ts';

/**
 * `GET /elements/<version>/…`: the elements' script-tag bundle, from a package directory made here
 * (the real bundle is served to Chromium in e2e/script-tag.spec.ts).
 */
let stack: TestStack;
let packageDir: string;
let bundle: ElementsBundle;
const ENTRY = 'import("./chunks/views-Ab12Cd34.js");customElements.define("x-y",class extends HTMLElement{});';
const CHUNK = 'export const views = 1;';

beforeAll(async () => {
  packageDir = await mkdtemp(path.join(os.tmpdir(), 'pan-elements-pkg-'));
  await mkdir(path.join(packageDir, 'dist/bundle/chunks'), { recursive: true });
  await writeFile(path.join(packageDir, 'package.json'), JSON.stringify({ name: '@pan/elements', version: '1.2.3' }));
  await writeFile(path.join(packageDir, 'dist/bundle/pan-elements.js'), ENTRY);
  await writeFile(path.join(packageDir, 'dist/bundle/chunks/views-Ab12Cd34.js'), CHUNK);
  // Not JavaScript of the bundle: never served.
  await writeFile(path.join(packageDir, 'dist/bundle/notes.txt'), 'SECRET-CONTENT-3f9a');
  await writeFile(path.join(packageDir, 'dist/secret.js'), 'SECRET-CONTENT-3f9a');
  bundle = (await readBundle(packageDir))!;
  stack = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, elementsBundle: bundle, config: { corsOrigins: ['https://app.example.com'] } });
});

afterAll(async () => {
  await stack?.stop();
  await rm(packageDir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => stack.app.inject({ method: 'GET', url, headers });

describe('GET /elements/:version/*', () => {
  it('serves pan-elements.js as immutable JavaScript, readable from any origin, with its SRI hash known', async () => {
    const response = await get('/elements/1.2.3/pan-elements.js', { origin: 'https://elsewhere.example.org' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(ENTRY);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(bundle.integrity).toBe(`sha384-${createHash('sha384').update(ENTRY).digest('base64')}`);
    expect(elementsScriptTag(bundle, 'https://pan.example.com')).toBe(
      `<script type="module" src="https://pan.example.com/elements/1.2.3/pan-elements.js" integrity="${bundle.integrity}" crossorigin="anonymous"></script>`,
    );
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toBe('accept-encoding');
    const gzipped = await get('/elements/1.2.3/pan-elements.js', { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipped.rawPayload).toString()).toBe(ENTRY);
    expect((await get('/elements/1.2.3/pan-elements.js', { 'accept-encoding': 'gzip;q=0' })).headers['content-encoding']).toBeUndefined();
    const head = await stack.app.inject({ method: 'HEAD', url: '/elements/1.2.3/pan-elements.js' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves its lazy chunks', async () => {
    const response = await get('/elements/1.2.3/chunks/views-Ab12Cd34.js');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(CHUNK);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it("gives the lazy chunks their SRI hashes in an import map (the entry has its own), with the CSP hash of the map's text", () => {
    const { html, cspHash } = elementsImportMap(bundle, 'https://pan.example.com/');
    const json = /^<script type="importmap">(.*)<\/script>$/.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual({
      integrity: { 'https://pan.example.com/elements/1.2.3/chunks/views-Ab12Cd34.js': `sha384-${createHash('sha384').update(CHUNK).digest('base64')}` },
    });
    expect(cspHash).toBe(`'sha256-${createHash('sha256').update(json).digest('base64')}'`);
  });

  it('answers 404 for another version, a file not in the bundle, or a path out of it', async () => {
    const cases: [string, string][] = [
      ['/elements/1.2.4/pan-elements.js', 'version'],
      ['/elements/latest/pan-elements.js', 'version'],
      ['/elements/1.2.3/missing.js', 'file'],
      ['/elements/1.2.3/notes.txt', 'file'],
      ['/elements/1.2.3/chunks/', 'file'],
      ['/elements/1.2.3/../secret.js', ''],
      ['/elements/1.2.3/%2e%2e/secret.js', ''],
      ['/elements/1.2.3/chunks/..%2f..%2fsecret.js', 'file'],
      ['/elements/1.2.3/..%2f..%2fpackage.json', 'file'],
    ];
    for (const [url, field] of cases) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain('SECRET-CONTENT');
      if (field) expect(response.json(), url).toMatchObject({ code: 'PAN_ERR_NOT_FOUND', field });
    }
  });

  it('answers 404 with a reason when the server has no bundle', async () => {
    const bare = await startTestStack({ clusterUrl: inject('pgClusterUrl'), listen: false, elementsBundle: null });
    try {
      const response = await bare.app.inject({ method: 'GET', url: '/elements/0.1.0/pan-elements.js' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'PAN_ERR_NOT_FOUND', field: 'version' });
    } finally {
      await bare.stop();
    }
  });

  it('finds nothing in a package without a built bundle', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'pan-elements-pkg-'));
    try {
      await writeFile(path.join(empty, 'package.json'), JSON.stringify({ version: '1.0.0' }));
      expect(await readBundle(empty)).toBeNull();
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
