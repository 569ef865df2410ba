/** Exit codes shared by every command, so scripts can tell the failures apart. */
export const ExitCode = {
  Ok: 0,
  /** Invalid input: a PANDIUM.yaml that fails validation, an archive the server rejects. */
  Invalid: 1,
  /** Wrong command line: unknown command or option, missing argument. */
  Usage: 2,
  /** The server answered with an error, or could not be reached. */
  Server: 3,
  /** The integration run failed (`pan run`, `pan runs tail`): any status but `Succeeded`. */
  RunFailed: 4,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  invalid input (validation failed)
  2  usage error
  3  server or network error
  4  the integration run failed (pan run, pan runs tail)`;

/** A failure the command expected and can say in one line: printed without a stack trace. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
