import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { create } from 'tar';

/** Never shipped in a release: the runner builds dependencies itself. */
const EXCLUDED = new Set(['.git', 'node_modules', '.DS_Store', '.env', 'integration.json']);

/**
 * Packs an integration directory into a tar.gz that is byte-identical for identical content
 * (sorted entries, fixed mtime, no owner data), so pushing the same directory twice is a no-op.
 */
export async function packReleaseDirectory(dir: string): Promise<Buffer> {
  const files = await listFiles(dir);
  if (!files.includes('PANDIUM.yaml')) throw new Error(`${dir} has no PANDIUM.yaml at its root`);
  const chunks: Buffer[] = [];
  const stream = create({ gzip: { level: 9 }, cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true }, files);
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, relative), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (EXCLUDED.has(entry.name)) continue;
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, name)));
    else if (entry.isFile()) out.push(name);
  }
  return out;
}
