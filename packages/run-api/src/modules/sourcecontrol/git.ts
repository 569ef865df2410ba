/**
 * Fetches one tag or branch of a repository with the `git` binary and packs one directory of it
 * as a release archive (tar.gz, PANDIUM.yaml at its root), never checking anything out.
 *
 * git runs with nothing of the server: no shell, an environment of its own (no PAN_*, no
 * DATABASE_URL, no proxy or credential variables), no system or global config, no credential
 * helper or prompt (a private repository's token comes from an askpass program reading git's own
 * environment, never argv or the URL), no hooks (`core.hooksPath=/dev/null`, an empty template), no submodules, only
 * the transports allowed (`GIT_ALLOW_PROTOCOL` and `protocol.allow`: https/http, or file when the
 * operator allows it; never ext::, ssh, git://), redirects not followed, and for http(s) the host's
 * addresses decided by the egress policy and pinned (`http.curloptResolve`). With the run sandbox
 * on it runs in it (bubblewrap, unprivileged uid, only its work directory writable); always under
 * a file size limit (the pack is one file) and a time limit, after which its process group is killed.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIP } from 'node:net';
import type { EgressPolicy } from '../../platform/egress.ts';
import type { Sandbox } from '../runner/sandbox.ts';

export interface FetchTreeOptions {
  /** Checked by `checkRepositoryUrl`: https:, http: or (allowed) file:. */
  url: URL;
  /** A tag or branch name (the contract's refNamePattern). */
  ref: string;
  /** The directory inside the repository to pack ('' is its root), as `normalRepositoryPath` made it. */
  subdir: string;
  egress: EgressPolicy;
  sandbox?: Sandbox;
  timeoutMs: number;
  /** The largest file git may write (its pack) and the largest archive produced. */
  maxBytes: number;
  /** Ends the fetch (its git killed) when aborted: the server is stopping. */
  signal?: AbortSignal;
  /** A private repository's HTTPS credentials: given to git by askpass through its environment, never on a command line. */
  credentials?: { username: string; password: string };
}

export interface FetchedTree {
  /** The commit the ref named. */
  commit: string;
  /** The directory as a gzipped tar (deterministic for one commit and directory). */
  archive: Buffer;
}

/** Why a fetch or pack failed; `kind` picks the API error. */
export class GitError extends Error {
  constructor(
    readonly kind: 'ref' | 'path' | 'limit' | 'egress' | 'auth' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

const GIT = '/usr/bin/git';

export async function fetchTree(options: FetchTreeOptions): Promise<FetchedTree> {
  const { url, ref, subdir } = options;
  if (!/^[A-Za-z0-9_][A-Za-z0-9._/+-]*$/.test(ref) || ref.includes('..')) throw new GitError('ref', `"${ref}" is not a tag or branch name`);
  // Checked by the caller too; here so that no other transport (ext::, ssh) is ever allowed.
  if (!['https:', 'http:', 'file:'].includes(url.protocol)) throw new GitError('egress', `the ${url.protocol} transport is not allowed`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'pan-git-'));
  try {
    const repo = path.join(work, 'repo.git');
    const home = path.join(work, 'home');
    const templates = path.join(work, 'templates');
    await mkdir(home);
    await mkdir(templates);
    // git asks this for the user name and password of an http(s) repository; it answers from git's
    // environment (set below, for these git processes only), so the secret is in no file or argv.
    const askpass = path.join(work, 'askpass');
    const useCredentials = options.credentials !== undefined && url.protocol !== 'file:';
    if (useCredentials) {
      await writeFile(askpass, '#!/bin/sh\ncase "$1" in\n  Username*) printf \'%s\\n\' "$PAN_GIT_USERNAME" ;;\n  *) printf \'%s\\n\' "$PAN_GIT_PASSWORD" ;;\nesac\n', { mode: 0o755 });
    }
    await options.sandbox?.handOver(work);

    const scheme = url.protocol.replace(/:$/, '');
    const config = [
      'protocol.allow=never',
      `protocol.${scheme}.allow=always`,
      'core.hooksPath=/dev/null',
      'core.fsmonitor=false',
      'credential.helper=',
      'http.followRedirects=false',
      'http.proxy=',
      'transfer.fsckObjects=true',
      'submodule.recurse=false',
      'fetch.recurseSubmodules=false',
      'gc.auto=0',
      'maintenance.auto=false',
    ];
    if (scheme === 'https' || scheme === 'http') {
      let addresses;
      try {
        addresses = await options.egress.checkedAddresses(url.hostname);
      } catch (error) {
        throw new GitError('egress', (error as Error).message);
      }
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      // A literal address was checked as it is; a name is pinned to the addresses just checked.
      if (!isIP(host)) {
        const port = url.port || (scheme === 'https' ? '443' : '80');
        const list = addresses.map((a) => (a.family === 6 ? `[${a.address}]` : a.address)).join(',');
        config.push(`http.curloptResolve=${host}:${port}:${list}`);
      }
    }
    const env: NodeJS.ProcessEnv = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      // No credentials: any prompt is answered with a failure (no terminal, no helper).
      GIT_ASKPASS: useCredentials ? askpass : '/bin/false',
      ...(useCredentials ? { PAN_GIT_USERNAME: options.credentials!.username, PAN_GIT_PASSWORD: options.credentials!.password } : {}),
      GIT_ALLOW_PROTOCOL: scheme,
      GIT_TEMPLATE_DIR: templates,
      GIT_NO_REPLACE_OBJECTS: '1',
    };
    // One time limit for the whole build, not per git command.
    const deadline = performance.now() + options.timeoutMs;
    const git = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const result = await runGit([...config.flatMap((c) => ['-c', c]), ...args], {
        env: { ...env, ...extraEnv },
        cwd: work,
        sandbox: options.sandbox,
        readOnly: scheme === 'file' ? [fileURLToPath(url)] : [],
        timeoutMs: Math.max(1, deadline - performance.now()),
        ...(options.signal ? { signal: options.signal } : {}),
        maxBytes: options.maxBytes,
      });
      if (options.signal?.aborted) throw new GitError('aborted', 'the build was stopped');
      // A limit hit at any step ends the build with that reason.
      if (result.limit) throw failure(result, 'ref', `git ${args[0] === '-C' ? args[2] : args[0]}`);
      return result;
    };

    const init = await git(['init', '--bare', '--quiet', repo]);
    if (init.code !== 0) throw failure(init, 'ref', 'cannot prepare the fetch');
    const fetched = await git(['-C', repo, 'fetch', '--quiet', '--depth=1', '--no-tags', '--no-recurse-submodules', '--', url.href, ref]);
    if (fetched.code !== 0) throw failure(fetched, 'ref', `cannot fetch "${ref}"`);
    const parsed = await git(['-C', repo, 'rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']);
    if (parsed.code !== 0) throw new GitError('ref', `"${ref}" does not name a commit`);
    const commit = parsed.stdout.toString('utf8').trim();
    const treeName = subdir === '' ? `${commit}^{tree}` : `${commit}:${subdir}`;
    const type = await git(['-C', repo, 'cat-file', '-t', treeName]);
    if (type.code !== 0 || type.stdout.toString('utf8').trim() !== 'tree') {
      throw new GitError('path', `repository_path "${subdir}" is not a directory at ${commit.slice(0, 12)}`);
    }
    const tree = (await git(['-C', repo, 'rev-parse', '--verify', treeName])).stdout.toString('utf8').trim();
    // A commit of just that directory, dated as the real one: `git archive` of a commit stamps
    // every entry with its date (of a bare tree, with the current time), so one commit always packs
    // to the same bytes and a repeated build is recognised as the same release.
    const date = (await git(['-C', repo, 'show', '-s', '--format=%ct', commit])).stdout.toString('utf8').trim();
    const identity = { GIT_AUTHOR_NAME: 'pan', GIT_AUTHOR_EMAIL: 'pan@localhost', GIT_COMMITTER_NAME: 'pan', GIT_COMMITTER_EMAIL: 'pan@localhost' };
    const synthetic = await git(['-C', repo, 'commit-tree', tree, '-m', `${ref} ${commit}`], {
      ...identity,
      GIT_AUTHOR_DATE: `${date} +0000`,
      GIT_COMMITTER_DATE: `${date} +0000`,
    });
    if (synthetic.code !== 0) throw failure(synthetic, 'path', 'cannot pack the directory');
    const packed = await git(['-C', repo, 'archive', '--format=tar.gz', synthetic.stdout.toString('utf8').trim()]);
    if (packed.code !== 0) throw failure(packed, 'path', 'cannot pack the directory');
    return { commit, archive: packed.stdout };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface GitResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  limit?: 'time' | 'size';
}

function failure(result: GitResult, kind: 'ref' | 'path', what: string): GitError {
  if (result.limit === 'time') return new GitError('limit', `${what}: git took longer than the time limit`);
  if (result.limit === 'size') return new GitError('limit', `${what}: more than the size limit`);
  // The server wants credentials (none, or refused): git says so in these words.
  if (/Authentication failed|could not read (Username|Password)|terminal prompts disabled|The requested URL returned error: 40[13]/.test(result.stderr)) {
    return new GitError('auth', `${what}: the repository refused access (set its credentials: PUT /v2/integrations/<id>/sourcecontrol/credentials)`);
  }
  // git's own words (its last fatal/error line) say why; they name the URL, which has no credentials.
  const said = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error|bwrap):/.test(l))
    .pop();
  return new GitError(kind, said ? `${what}: ${said.slice(0, 500)}` : what);
}

interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  sandbox?: Sandbox;
  readOnly: string[];
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/** Runs git (no shell) in the sandbox when there is one, under prlimit's file size limit either way. */
function runGit(args: string[], options: RunOptions): Promise<GitResult> {
  const sandboxed = options.sandbox?.command(GIT, args, {
    cwd: options.cwd,
    writable: [options.cwd],
    readOnly: options.readOnly,
  });
  // Unsandboxed, prlimit alone sets the file size limit (the sandbox's own limits apply otherwise).
  const file = sandboxed?.file ?? '/usr/bin/prlimit';
  const argv = sandboxed?.args ?? [`--fsize=${options.maxBytes}`, '--', GIT, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(sandboxed?.uid === undefined ? {} : { uid: sandboxed.uid, gid: sandboxed.gid! }),
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let limit: GitResult['limit'];
    const kill = (why: 'time' | 'size') => {
      limit ??= why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill('time'), options.timeoutMs);
    const onAbort = () => kill('time');
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.maxBytes) return kill('size');
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // SIGXFSZ: the pack outgrew the file size limit (bwrap reports 128 + the signal).
      // git's own children (index-pack, unpack-objects) die of it and git says so.
      if (!limit && (signal === 'SIGXFSZ' || code === 128 + osConstants.signals.SIGXFSZ || (/File size limit exceeded|File too large/.test(stderr) || stderr.includes(`died of signal ${osConstants.signals.SIGXFSZ}\n`)))) limit = 'size';
      resolve({ code: limit ? null : code, stdout: Buffer.concat(out), stderr, limit });
    });
  });
}
