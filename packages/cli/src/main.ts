import { CommanderError } from 'commander';
import { ExitCode } from './exit-codes.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Commander has already printed the message or the help; only the exit code is ours to decide.
  process.exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
}
