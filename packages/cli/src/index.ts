export { buildProgram } from './program.ts';
export { validateFile, type FileReport } from './commands/validate.ts';
export { ExitCode } from './exit-codes.ts';
