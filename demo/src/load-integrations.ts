import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HostApiError, packReleaseDirectory, putCategories, putConnector, putIntegrationListing, pushRelease, readRelease, type HostApiOptions } from '@pan/cli';

export interface LoadOptions {
  /**
   * Text replaced in a release's files before it is pushed, e.g. the Acme API's default address
   * (`http://127.0.0.1:3201` in the PANDIUM.yaml) when the demo runs it on another port.
   */
  rewrites?: Record<string, string>;
}

/**
 * Loads `demo/integrations/*` through the host API exactly as an account would:
 * connectors (`connectors.json`; a release may only name defined ones), categories, then each listing (integration.json, logo.svg), then a release of each folder
 * with a PANDIUM.yaml, the same way `pan release push` does, unless the integration's default release
 * already is that content (the archive is byte-identical for identical files): a restart pushes nothing.
 */
export async function loadDemoIntegrations(
  api: HostApiOptions,
  dir: string,
  log: (line: string) => void,
  options: LoadOptions = {},
): Promise<number> {
  const connectorsFile = path.join(dir, 'connectors.json');
  if (existsSync(connectorsFile)) {
    const connectors = JSON.parse(await readFile(connectorsFile, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const [name, definition] of Object.entries(connectors)) await putConnector(api, name, definition);
  }
  const categories = JSON.parse(await readFile(path.join(dir, 'categories.json'), 'utf8')) as { slug: string; name: string }[];
  await putCategories(api, categories);
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const slug of entries) {
    const folder = path.join(dir, slug);
    const listing = JSON.parse(await readFile(path.join(folder, 'integration.json'), 'utf8')) as Record<string, unknown>;
    const logo = path.join(folder, 'logo.svg');
    if (existsSync(logo)) listing.logo_url = `data:image/svg+xml;base64,${(await readFile(logo)).toString('base64')}`;
    await putIntegrationListing(api, slug, listing);
    if (existsSync(path.join(folder, 'PANDIUM.yaml'))) {
      const release = await withRewrites(folder, options.rewrites ?? {}, async (source) =>
        (await isDefaultRelease(api, slug, source)) ? undefined : pushRelease(api, source, slug),
      );
      for (const warning of release?.warnings ?? []) log(`  ${slug}: warning: ${warning}`);
    }
  }
  return entries.length;
}

/** Whether the integration's default release has the archive `dir` packs into. */
async function isDefaultRelease(api: HostApiOptions, slug: string, dir: string): Promise<boolean> {
  const sha = createHash('sha256').update(await packReleaseDirectory(dir)).digest('hex');
  try {
    return (await readRelease(api, slug, 'default')).archive_sha256 === sha;
  } catch (error) {
    if (error instanceof HostApiError && error.status === 404) return false; // no release yet
    throw error;
  }
}

/** Runs `push` on the folder itself, or on a rewritten copy when some of its files contain a rewritten text. */
async function withRewrites<T>(folder: string, rewrites: Record<string, string>, push: (dir: string) => Promise<T>): Promise<T> {
  const pairs = Object.entries(rewrites).filter(([from, to]) => from !== to);
  if (pairs.length === 0) return push(folder);
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const changed: { file: string; text: string }[] = [];
  for (const entry of files) {
    const relative = path.relative(folder, path.join(entry.parentPath, entry.name));
    const original = await readFile(path.join(folder, relative), 'utf8');
    const text = pairs.reduce((t, [from, to]) => t.split(from).join(to), original);
    if (text !== original) changed.push({ file: relative, text });
  }
  if (changed.length === 0) return push(folder);
  const copy = await mkdtemp(path.join(os.tmpdir(), 'pan-demo-release-'));
  try {
    await cp(folder, copy, { recursive: true });
    for (const { file, text } of changed) await writeFile(path.join(copy, file), text);
    return await push(copy);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}
