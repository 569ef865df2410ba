import path from 'node:path';
import type { Command } from 'commander';
import { HostApiError, pushRelease } from '../host-api.ts';

export function registerReleasePush(release: Command): void {
  release
    .command('push')
    .description('Pack a directory (PANDIUM.yaml at its root) and upload it as a release of an integration')
    .argument('<dir>', 'the integration directory')
    .requiredOption('-i, --integration <id|slug>', 'the integration (integer id, slug or UUID) the release belongs to')
    .option('--version <version>', 'a version label (default: the next rN)')
    .option('--no-default', 'do not make this release the integration\'s default')
    .option('--api-base <url>', 'run API base URL (env PAN_API_BASE)', process.env.PAN_API_BASE ?? 'http://127.0.0.1:3100')
    .option('--api-key <key>', 'account API key (env PAN_API_KEY; prefer the env var)', process.env.PAN_API_KEY)
    .addHelpText('after', '\nExit codes: 0 pushed (or already there), 1 rejected (invalid PANDIUM.yaml or archive), 2 usage, 3 server or network error.')
    .action(async (dir: string, opts: { integration: string; version?: string; default: boolean; apiBase: string; apiKey?: string }) => {
      if (!opts.apiKey) {
        console.error('pan release push: an API key is required (set PAN_API_KEY or pass --api-key)');
        process.exitCode = 2;
        return;
      }
      try {
        const pushed = await pushRelease({ apiBase: opts.apiBase, apiKey: opts.apiKey }, path.resolve(dir), opts.integration, {
          version: opts.version,
          makeDefault: opts.default,
        });
        for (const warning of pushed.warnings) console.error(`warning: ${warning}`);
        console.log(
          `${pushed.created ? 'Pushed' : 'Already pushed'} release ${pushed.version} (${pushed.id}) of ${opts.integration}` +
            (pushed.is_default ? ', now the default' : ''),
        );
      } catch (error) {
        if (error instanceof HostApiError) {
          console.error(`pan release push: ${error.status} ${error.code}\n${error.message}`);
          process.exitCode = error.status === 422 || error.status === 409 || error.status === 413 ? 1 : 3;
        } else if (error instanceof Error && /PANDIUM\.yaml/.test(error.message)) {
          console.error(`pan release push: ${error.message}`);
          process.exitCode = 1;
        } else {
          console.error(`pan release push: cannot reach ${opts.apiBase}: ${(error as Error).message}`);
          process.exitCode = 3;
        }
      }
    });
}
