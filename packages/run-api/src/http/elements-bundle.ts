/**
 * The script-tag bundle of the elements (`@pan/elements`'s `dist/bundle/`, built by
 * `npm run build:bundle -w @pan/elements`), served at `/elements/<version>/pan-elements.js` and its
 * lazy chunks, so a host page needs one `<script type="module">` and nothing of its own.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ERRORS, panError } from '../platform/errors.ts';

export const ELEMENTS_ENTRY = 'pan-elements.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @fastify/cors reads it (false: not for this route); its types do not declare it. */
    cors?: false;
  }
}

export interface ElementsBundle {
  /** @pan/elements's version: the URL's `<version>`. */
  version: string;
  /** Every file, by its path under the bundle's directory (`pan-elements.js`, `chunks/…-<hash>.js`), and gzipped once. */
  files: ReadonlyMap<string, { body: Buffer; gzip: Buffer }>;
  /** The Subresource Integrity value of pan-elements.js: `sha384-<base64>`. */
  integrity: string;
  /** `/elements/<version>/pan-elements.js` */
  scriptPath: string;
}

let loaded: Promise<ElementsBundle | null> | undefined;

/**
 * The bundle of the installed @pan/elements, read once per process (its files never change under a
 * version); null when that package has no built bundle.
 */
export function loadElementsBundle(): Promise<ElementsBundle | null> {
  loaded ??= (async () => readBundle(path.dirname(createRequire(import.meta.url).resolve('@pan/elements/package.json'))))();
  // A failed read is tried again at the next request rather than remembered.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** Reads a bundle from an @pan/elements package directory (exported for tests). */
export async function readBundle(packageDir: string): Promise<ElementsBundle | null> {
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(packageDir, 'dist/bundle');
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).map((name) => name.split(path.sep).join('/'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const files = new Map<string, { body: Buffer; gzip: Buffer }>();
  // Only the JavaScript: nothing else in the directory is meant to be served.
  for (const name of names.filter((n) => n.endsWith('.js')).sort()) {
    const body = await readFile(path.join(dir, name));
    files.set(name, { body, gzip: gzipSync(body, { level: 9 }) });
  }
  const entry = files.get(ELEMENTS_ENTRY);
  if (!entry) return null;
  // Of the bytes the browser gets after decoding: the same whether they came gzipped or not.
  const integrity = `sha384-${createHash('sha384').update(entry.body).digest('base64')}`;
  return { version, files, integrity, scriptPath: `/elements/${version}/${ELEMENTS_ENTRY}` };
}

/**
 * The import map that gives the lazy chunks their Subresource Integrity, and its CSP hash. The
 * script tag's `integrity` covers pan-elements.js only: the module loader fetches its chunks
 * (static and dynamic imports) without integrity, unless an import map's `integrity` names them
 * (Chromium 127+, Firefox 138+, Safari 18+; other browsers ignore it and load the chunks
 * unchecked). An import map is an inline script: a page under a CSP without 'unsafe-inline' adds
 * `cspHash` to its `script-src`. Put it before the script tag.
 */
export function elementsImportMap(bundle: ElementsBundle, baseUrl: string): { html: string; cspHash: string } {
  const dir = `${baseUrl.replace(/\/+$/, '')}${bundle.scriptPath.slice(0, -ELEMENTS_ENTRY.length)}`;
  const integrity: Record<string, string> = {};
  for (const [name, { body }] of bundle.files) {
    if (name !== ELEMENTS_ENTRY) integrity[`${dir}${name}`] = `sha384-${createHash('sha384').update(body).digest('base64')}`;
  }
  const json = JSON.stringify({ integrity });
  return {
    html: `<script type="importmap">${json}</script>`,
    // CSP hashes an inline script's text: exactly what is between the tags.
    cspHash: `'sha256-${createHash('sha256').update(json).digest('base64')}'`,
  };
}

/** The tag a host page loads the elements with, from the run API at `baseUrl` (e.g. `https://pan.example.com`, PAN_PUBLIC_URL). */
export function elementsScriptTag(bundle: ElementsBundle, baseUrl: string): string {
  return `<script type="module" src="${baseUrl.replace(/\/+$/, '')}${bundle.scriptPath}" integrity="${bundle.integrity}" crossorigin="anonymous"></script>`;
}

/**
 * `GET /elements/:version/*`. The files are public, the same for every account, and never change
 * under a version: cached for a year as immutable, and readable from any origin
 * (`Access-Control-Allow-Origin: *`, no credentials). CORS is needed at all because a page loads
 * them with `crossorigin` for Subresource Integrity, and module scripts always load in CORS mode;
 * the account (and so its host origins) is not known from this URL, and limiting the origins would
 * protect nothing, since anyone can download the files. Only files of the bundle are answered, by
 * exact name (a lookup in a map, never a path on disk): anything else is a 404.
 */
export async function elementsBundleRoutes(app: FastifyInstance, options: { bundle: () => Promise<ElementsBundle | null> }): Promise<void> {
  const encodings = new Negotiator({ supportedValues: ['gzip', 'identity'] });
  app.get<{ Params: { version: string; '*': string } }>(
    '/elements/:version/*',
    // The global CORS plugin answers only the configured origins (PAN_CORS_ORIGINS): not here.
    { config: { cors: false } },
    async (request, reply) => {
      const { version, '*': file } = request.params;
      // Read (and gzipped) at the first request, not at start: ~0.1 s a start need not wait for.
      const bundle = await options.bundle();
      if (!bundle) throw panError(ERRORS.NOT_FOUND, 'This server has no elements bundle (build it: npm run build:bundle -w @pan/elements)', { field: 'version' });
      if (version !== bundle.version) throw panError(ERRORS.NOT_FOUND, `This server serves the elements ${bundle.version}, not ${version}`, { field: 'version', version: bundle.version });
      const found = bundle.files.get(file);
      if (!found) throw panError(ERRORS.NOT_FOUND, 'No such file in the elements bundle', { field: 'file' });
      // Compressed once at start, not per request.
      const gzip = encodings.negotiate(request.headers['accept-encoding'] ?? '') === 'gzip';
      if (gzip) reply.header('content-encoding', 'gzip');
      return reply
        .header('vary', 'accept-encoding')
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(gzip ? found.gzip : found.body);
    },
  );
}
