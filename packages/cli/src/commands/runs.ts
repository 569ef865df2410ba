import type { Command } from 'commander';
import type { RunStatus } from '@pan/contract';
import { RunLogStreamError } from '@pan/contract/run-log-stream';
import { addApiOptions, apiFailure, hostApi, runAction } from '../api-options.ts';
import { CommandFailure, EXIT_CODES_HELP, ExitCode } from '../exit-codes.ts';
import { followRunLog } from '../run-log.ts';

interface TailOptions {
  json?: boolean;
  apiBase: string;
  apiKey?: string;
}

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description('Follow the runs of the account\'s tenants through the host API')
    .addHelpText('after', EXIT_CODES_HELP);

  addApiOptions(
    runs
      .command('tail')
      .description('Print a run\'s log as it is written (Server-Sent Events), until the run ends')
      .argument('<run-id>', 'the run (its id, as in the tenant\'s run history)')
      .option('--json', 'print one JSON object per line: {"event":"line","seq","at","line"}, then {"event":"end","status"}'),
  )
    .addHelpText(
      'after',
      `
Lines already written are printed first, then new ones as they come. When the connection drops,
the command reconnects and resumes after the last line it printed (Last-Event-ID); after
5 fruitless attempts in a row it gives up (exit 3). The final status goes to stderr.

Examples:
  pan runs tail 0b5f7f0e-6d0e-4a8e-9a53-1c2f0b7f7a10
  pan runs tail "$RUN_ID" --json | jq -r 'select(.event == "line") | .line'

Exit codes: 0 the run Succeeded, 2 usage (no API key), 3 the server refused (unknown run: its code
and message are printed) or could not be reached, 4 the run ended with any other status.`,
    )
    .action(async (runId: string, opts: TailOptions) => {
      await runAction('pan runs tail', async () => {
        const api = hostApi(opts);
        const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
        let status: RunStatus;
        try {
          status = await followRunLog(api, runId, {
            line(line) {
              if (opts.json) print({ event: 'line', ...line });
              else process.stdout.write(`${line.line}\n`);
            },
            reconnecting(afterSeq, reason, wait) {
              const when = wait > 0 ? ` in ${(wait / 1000).toFixed(1)} s` : '';
              process.stderr.write(`pan runs tail: ${reason}; reconnecting${when} after line ${afterSeq}\n`);
            },
          });
        } catch (error) {
          if (error instanceof RunLogStreamError) throw new CommandFailure(error.message, ExitCode.Server);
          throw apiFailure(error, opts.apiBase);
        }
        if (opts.json) print({ event: 'end', status });
        process.stderr.write(`Run ${runId}: ${status}\n`);
        return status === 'Succeeded' ? ExitCode.Ok : ExitCode.RunFailed;
      });
    });
}
