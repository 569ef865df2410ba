import { Parser, type ReadEntry } from 'tar';

export interface ReleaseArchive {
  pandiumYaml: string;
  fileCount: number;
  unpackedBytes: number;
}

export class ArchiveError extends Error {}

const MAX_ENTRIES = 20_000;
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;
const MAX_PANDIUM_YAML_BYTES = 1024 * 1024;

/**
 * Reads a release's tar.gz without touching the disk: checks every entry is a plain file or
 * directory inside the archive (no absolute paths, no `..`, no links) and returns PANDIUM.yaml.
 */
export function readReleaseArchive(archive: Buffer): Promise<ReleaseArchive> {
  return new Promise((resolve, reject) => {
    let pandiumYaml: Buffer[] | undefined;
    let fileCount = 0;
    let unpackedBytes = 0;
    let failed = false;
    const fail = (message: string) => {
      if (failed) return;
      failed = true;
      reject(new ArchiveError(message));
    };
    const parser = new Parser({
      strict: true,
      onReadEntry(entry: ReadEntry) {
        const name = entry.path.replace(/^\.\//, '');
        if (name.startsWith('/') || name.split('/').includes('..')) fail(`Unsafe path in archive: ${entry.path}`);
        else if (entry.type !== 'File' && entry.type !== 'Directory' && entry.type !== 'OldFile') {
          fail(`Unsupported entry type ${entry.type} for ${entry.path} (only files and directories)`);
        }
        fileCount += 1;
        unpackedBytes += entry.size ?? 0;
        if (fileCount > MAX_ENTRIES) fail(`The archive has more than ${MAX_ENTRIES} entries`);
        if (unpackedBytes > MAX_UNPACKED_BYTES) fail('The archive unpacks to more than 512 MiB');
        if (name === 'PANDIUM.yaml' && entry.type !== 'Directory') {
          if ((entry.size ?? 0) > MAX_PANDIUM_YAML_BYTES) fail('PANDIUM.yaml is larger than 1 MiB');
          pandiumYaml = [];
          entry.on('data', (chunk: Buffer) => pandiumYaml!.push(chunk));
        } else {
          entry.resume();
        }
      },
    });
    parser.on('error', (error: Error) => fail(`Not a valid tar.gz archive: ${error.message}`));
    parser.on('warn', (_code: string, message: string | Error) => fail(`Not a valid tar.gz archive: ${String(message)}`));
    parser.on('end', () => {
      if (failed) return;
      if (fileCount === 0) return fail('The archive is empty or not a tar.gz');
      if (!pandiumYaml) return fail('The archive has no PANDIUM.yaml at its root');
      resolve({ pandiumYaml: Buffer.concat(pandiumYaml).toString('utf8'), fileCount, unpackedBytes });
    });
    parser.end(archive);
  });
}
