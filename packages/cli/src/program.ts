import { Command } from 'commander';
import { registerAccounts } from './commands/accounts.ts';
import { registerDb } from './commands/db.ts';
import { registerReleasePush } from './commands/release-push.ts';
import { registerReleaseBuild } from './commands/release-build.ts';
import { registerRun } from './commands/run.ts';
import { registerRuns } from './commands/runs.ts';
import { registerSecrets } from './commands/secrets.ts';
import { registerServe } from './commands/serve.ts';
import { registerTenants } from './commands/tenants.ts';
import { registerValidate } from './commands/validate.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';

/** The `pan` command tree. Each command lives in `commands/<name>.ts` and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('pan')
    .description(
      'Work with integrations for the pan marketplace: validate PANDIUM.yaml, run an integration locally, push releases, ' +
        'list tenants, follow runs, serve the run API, create accounts, rotate secret keys.',
    )
    // Throw instead of exiting, so main.ts can turn usage errors into exit code 2.
    // Set before adding commands: subcommands inherit it.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  registerValidate(program);
  registerRun(program);

  const release = program
    .command('release')
    .description('Manage the releases of an integration')
    .addHelpText('after', EXIT_CODES_HELP);
  registerReleasePush(release);
  registerReleaseBuild(release);

  registerTenants(program);
  registerRuns(program);
  registerServe(program);
  registerDb(program);
  registerAccounts(program);
  registerSecrets(program);

  return program;
}
