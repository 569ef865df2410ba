import type { Command } from 'commander';
import { CommandFailure, ExitCode } from './exit-codes.ts';
import { HostApiError, networkErrorText, type HostApiOptions } from './host-api.ts';

/** `--api-base` and `--api-key`, defaulting to `PAN_API_BASE` and `PAN_API_KEY`, as `pan release push` has them. */
export function addApiOptions(command: Command): Command {
  return command
    .option('--api-base <url>', 'run API base URL (env PAN_API_BASE)', process.env.PAN_API_BASE ?? 'http://127.0.0.1:3100')
    .option('--api-key <key>', 'account API key (env PAN_API_KEY; prefer the env var)', process.env.PAN_API_KEY);
}

/** The API to call, or a usage failure when no key was given. */
export function hostApi(opts: { apiBase: string; apiKey?: string }): HostApiOptions {
  if (!opts.apiKey) throw new CommandFailure('an API key is required (set PAN_API_KEY or pass --api-key)', ExitCode.Usage);
  return { apiBase: opts.apiBase, apiKey: opts.apiKey };
}

/** A failed call as a one-line failure: the server's status and code, or why it could not be reached. */
export function apiFailure(error: unknown, apiBase: string): CommandFailure {
  if (error instanceof CommandFailure) return error;
  if (error instanceof HostApiError) return new CommandFailure(`${error.status} ${error.code}\n${error.message}`, ExitCode.Server);
  return new CommandFailure(`cannot reach ${apiBase}: ${networkErrorText(error)}`, ExitCode.Server);
}

/**
 * Runs a command's work and turns what it throws into a message on stderr and an exit code:
 * `CommandFailure`s say their own, anything else is unexpected and keeps its stack (unless the
 * command gives an exit code for those).
 */
export async function runAction(name: string, action: () => Promise<number>, options: { unexpectedExitCode?: number } = {}): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (error instanceof CommandFailure) {
      console.error(`${name}: ${error.message}`);
      process.exitCode = error.exitCode;
    } else if (options.unexpectedExitCode !== undefined) {
      // Commands on the server's own database: its errors are worth a line, not a stack.
      console.error(`${name}: ${(error as Error).message}`);
      process.exitCode = options.unexpectedExitCode;
    } else throw error;
  }
}
