import type { Command } from 'commander';
import { buildRelease, HostApiError, waitForBuild } from '../host-api.ts';

/** `pan release build`: the server fetches a tag of the integration's repository and makes a release of it. */
export function registerReleaseBuild(release: Command): void {
  release
    .command('build')
    .description("Build a release from the integration's git repository (repository_url, repository_path) at a tag or branch, named by it")
    .requiredOption('-i, --integration <id|slug>', 'the integration (integer id, slug or UUID)')
    .requiredOption('-t, --tag <tag>', 'the tag (or branch) to build')
    .option('--no-default', "do not make this release the integration's default")
    .option('--wait-timeout <seconds>', 'how long to wait for the build to end', '600')
    .option('--api-base <url>', 'run API base URL (env PAN_API_BASE)', process.env.PAN_API_BASE ?? 'http://127.0.0.1:3100')
    .option('--api-key <key>', 'account API key (env PAN_API_KEY; prefer the env var)', process.env.PAN_API_KEY)
    .addHelpText('after', '\nExit codes: 0 built (or already there), 1 rejected or failed (no such tag, invalid PANDIUM.yaml with file:line:col, bad repository_path), 2 usage, 3 server or network error, or still building at --wait-timeout.')
    .action(async (opts: { integration: string; tag: string; default: boolean; waitTimeout: string; apiBase: string; apiKey?: string }) => {
      if (!opts.apiKey) {
        console.error('pan release build: an API key is required (set PAN_API_KEY or pass --api-key)');
        process.exitCode = 2;
        return;
      }
      try {
        const api = { apiBase: opts.apiBase, apiKey: opts.apiKey };
        // The server queues the build (202) and a worker builds it: wait for its end.
        const queued = await buildRelease(api, opts.integration, opts.tag, opts.default);
        const build = await waitForBuild(api, queued.build_id, Number(opts.waitTimeout) * 1000);
        if (build.state === 'succeeded' && build.release) {
          const { release } = build;
          for (const warning of release.warnings ?? []) console.error(`warning: ${warning}`);
          console.log(
            `${release.created ? 'Built' : 'Already built'} release ${release.version} (${release.id}) of ${opts.integration} from ${build.commit}` +
              (release.is_default ? ', now the default' : ''),
          );
        } else if (build.state === 'failed') {
          console.error(`pan release build: build failed ${build.error?.code ?? ''}\n${build.error?.message ?? ''}`);
          process.exitCode = 1;
        } else {
          console.error(`pan release build: build ${build.id} still ${build.state} after ${opts.waitTimeout} s (GET ${queued.status_url})`);
          process.exitCode = 3;
        }
      } catch (error) {
        if (error instanceof HostApiError) {
          console.error(`pan release build: ${error.status} ${error.code}\n${error.message}`);
          process.exitCode = error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429 ? 1 : 3;
        } else {
          console.error(`pan release build: cannot reach ${opts.apiBase}: ${(error as Error).message}`);
          process.exitCode = 3;
        }
      }
    });
}
