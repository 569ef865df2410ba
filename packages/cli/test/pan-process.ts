import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { followProcess, type FollowedProcess } from '../../run-api/test/support/index.ts';

/** The real `pan` launcher (the compiled CLI, built by build-setup.ts), run the way a user's shell would run it. */
export const panBin = fileURLToPath(new URL('../bin/pan.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `pan` to its end. Only `PATH` of this process's environment is passed, plus `env`. */
export function pan(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [panBin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** A `pan` process followed line by line while it runs (the run API's test support follows it). */
export type LivePan = FollowedProcess;

export function spawnPan(env: Record<string, string>, ...args: string[]): LivePan {
  const child = spawn(process.execPath, [panBin, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return followProcess(child, 'pan');
}
