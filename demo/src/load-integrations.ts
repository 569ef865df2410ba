import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { putCategories, putConnector, putIntegrationListing, pushRelease, type HostApiOptions } from '@pan/cli';

/**
 * Loads `demo/integrations/*` through the host API exactly as an account would:
 * connectors (`connectors.json`; a release may only name defined ones), categories, then each listing (integration.json, logo.svg), then a release of each folder
 * with a PANDIUM.yaml, the same way `pan release push` does.
 */
export async function loadDemoIntegrations(api: HostApiOptions, dir: string, log: (line: string) => void): Promise<number> {
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
      const release = await pushRelease(api, folder, slug);
      for (const warning of release.warnings) log(`  ${slug}: warning: ${warning}`);
    }
  }
  return entries.length;
}
