import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as realDelay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { directCommand } from '../../../src/modules/runner/process-executor.ts';
import type { RunContext } from '../../../src/modules/runner/types.ts';
import { context, harness, liveProcessesWith, processMarker, type Harness } from './helpers.ts';

/** Node one-liners of the test release (CommonJS: the release has no package.json). */
const SCRIPTS: Record<string, string> = {
  // Writes N bytes of stderr as lines of 100 bytes (99 characters + newline).
  'stderr-lines.cjs': `const n = Number(process.argv[2]); for (let i = 0; i < n / 100; i++) process.stderr.write(String(i % 10).repeat(99) + '\\n');`,
  // Writes N bytes of stdout.
  'stdout-bytes.cjs': `process.stdout.write('z'.repeat(Number(process.argv[2])));`,
  // Long lines, CRLF, and a last line without newline.
  'long-lines.cjs': `process.stderr.write('one\\r\\ntwo\\r\\n' + 'L'.repeat(40000) + '\\nlast');`,
  // Log text on stderr and stdout, then JSON on the last stdout line.
  'json-last.cjs': `console.error('working'); console.log('fetched 2 orders'); console.log(JSON.stringify({ cursor: 2 }));`,
  'pretty-json.cjs': `console.log('log'); console.log(JSON.stringify({ a: [1, { b: 2 }] }, null, 2));`,
  // Writes N MiB of bare newlines to stderr (a newline flood).
  'newline-flood.cjs': `const mib = Buffer.alloc(1 << 20, 10); for (let i = 0; i < Number(process.argv[2]); i++) require('node:fs').writeSync(2, mib);`,
  // Writes N lines of 1000 'y's to stderr.
  'long-line-flood.cjs': `const line = 'y'.repeat(1000) + '\\n'; for (let i = 0; i < Number(process.argv[2]); i++) require('node:fs').writeSync(2, line);`,
  'many-lines.cjs': `for (let i = 1; i <= 450; i++) console.error('line ' + i);`,
  'started-then-wait.cjs': `console.error('started'); setInterval(() => {}, 1000);`,
  // Writes its pid and a background child's pid next to HOME, then waits forever; the child sleeps
  // for argv[2] seconds (a marker).
  'with-child.cjs': `
    const { spawn } = require('node:child_process');
    const fs = require('node:fs');
    const child = spawn('sleep', [process.argv[2]], { stdio: 'ignore' });
    // 'ready' is in the pipe (writes to pipes are synchronous on Linux) before the pids file says the
    // run started, the test's cue to run the clock out.
    console.error('ready');
    fs.writeFileSync(process.env.HOME + '/../pids', process.pid + ' ' + child.pid);
    setInterval(() => {}, 1000);
  `,
};

let h: Harness;
const release = (run: string) => ({ id: 'rel-exec', run });

beforeAll(async () => {
  h = await harness('exec', { killGraceMs: 200 });
  await h.addRelease('rel-exec', SCRIPTS);
});

afterAll(() => h?.remove());

async function pidsOf(runId: string): Promise<number[]> {
  return (await readFile(path.join(h.runDir(runId), 'pids'), 'utf8')).trim().split(/\s+/).map(Number);
}

/**
 * Runs `ctx` past its time limit of `timeoutMs`, which runs out only once the script is under way
 * (it wrote its two pids): the limit's clock is the test's (fake timers), moved on at that moment,
 * so a process that is slow to start on a busy machine cannot lose the race with it.
 */
async function runPastLimit(ctx: RunContext, timeoutMs: number) {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  try {
    let ended = false;
    const running = h.run(ctx, { timeoutMs }).finally(() => (ended = true));
    const started = async () => /^\d+ \d+$/.test((await readFile(path.join(h.runDir(ctx.runId), 'pids'), 'utf8').catch(() => '')).trim());
    while (!ended && !(await started())) await realDelay(10);
    vi.advanceTimersByTime(timeoutMs);
    return await running;
  } finally {
    vi.useRealTimers();
  }
}

describe('exit codes', () => {
  it('exit 0 is Succeeded', async () => {
    const { outcome } = await h.run(context(release('true')));
    expect(outcome).toMatchObject({ status: 'Succeeded', exitCode: 0, signal: null, stdoutJson: undefined, stdoutNote: 'the run printed nothing on stdout' });
    expect(outcome.endedAt.getTime()).toBeGreaterThanOrEqual(outcome.startedAt.getTime());
  });

  it('a non-zero exit is Failed (Integration Issue), with its stderr in the log', async () => {
    const { outcome, lines } = await h.run(context(release('echo "cannot reach the API" >&2; exit 3')));
    expect(outcome).toMatchObject({ status: 'Failed (Integration Issue)', exitCode: 3, logLines: 1 });
    expect(lines).toEqual(['cannot reach the API']);
  });

  it('a missing program is the integration\'s fault (the shell says so, exit 127)', async () => {
    const { outcome, lines } = await h.run(context(release('no-such-program --flag')));
    expect(outcome).toMatchObject({ status: 'Failed (Integration Issue)', exitCode: 127 });
    expect(lines.join('\n')).toContain('not found');
  });

  it('a release that cannot be loaded is Failed (Platform Issue)', async () => {
    const { outcome, lines } = await h.run(context({ id: 'rel-missing', run: 'true' }));
    expect(outcome.status).toBe('Failed (Platform Issue)');
    expect(lines).toEqual(['[pan] could not prepare release 1.0.0: no archive for release rel-missing']);
  });
});

describe('stdout', () => {
  it('the last JSON line becomes stdoutJson; stderr is the log', async () => {
    const { outcome, lines } = await h.run(context(release('node json-last.cjs')));
    expect(outcome).toMatchObject({ status: 'Succeeded', stdoutJson: '{"cursor":2}', stdoutNote: undefined, stdoutTruncated: false });
    expect(lines).toEqual(['working']);
  });

  it('a pretty-printed JSON at the end counts', async () => {
    const { outcome } = await h.run(context(release('node pretty-json.cjs')));
    expect(outcome.stdoutJson).toBe('{"a":[1,{"b":2}]}');
  });

  it('non-JSON last output: the run still succeeds, with a note in the outcome and the log', async () => {
    const { outcome, lines } = await h.run(context(release('echo "all done"')));
    expect(outcome).toMatchObject({ status: 'Succeeded', stdoutJson: undefined, stdoutNote: 'the last output on stdout is not JSON: all done' });
    expect(lines).toEqual(['[pan] the last output on stdout is not JSON: all done']);
  });

  it('a failed run gets no note line (its JSON, if any, is still reported)', async () => {
    const { outcome, lines } = await h.run(context(release('echo "{\\"partial\\": true}"; echo oops; exit 1')));
    expect(outcome).toMatchObject({ status: 'Failed (Integration Issue)', stdoutNote: 'the last output on stdout is not JSON: oops' });
    expect(lines).toEqual([]);
  });

  it('is kept up to its cap', async () => {
    const { outcome, lines } = await h.run(context(release('node stdout-bytes.cjs 5000')), { stdoutCapBytes: 100 });
    expect(outcome).toMatchObject({ status: 'Succeeded', stdoutTruncated: true, stdoutJson: undefined });
    expect(outcome.stdoutNote).toBe(`the last output on stdout is not JSON: ${'z'.repeat(80)} (stdout was cut after 100 bytes)`);
    expect(lines[0]).toBe('[pan] stdout truncated: 4900 more bytes of stdout were not kept');
  });
});

describe('stderr', () => {
  it('is cut at its cap with ONE marker line that counts what was dropped', async () => {
    const { outcome, lines } = await h.run(context(release('node stderr-lines.cjs 10000')), { stderrCapBytes: 1000 });
    expect(outcome).toMatchObject({ status: 'Succeeded', stderrTruncated: true, logLines: 11 });
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => String(i).repeat(99)));
    expect(lines[10]).toBe('[pan] log truncated: 90 more lines (9000 bytes) of output were not kept');
  });

  it('caps a flood of bare newlines in lines: the run ends as usual, with ONE marker counting what was dropped', async () => {
    // 64 MiB of newlines: 67 million empty lines, far past both caps.
    const { outcome, lines } = await h.run(context(release('node newline-flood.cjs 64')), { stderrCapBytes: 100 * 1024 * 1024, logMaxLines: 1000 });
    expect(outcome).toMatchObject({ status: 'Succeeded', exitCode: 0, stderrTruncated: true, logLines: 1001 });
    expect(lines.slice(0, 1000).every((line) => line === '')).toBe(true);
    expect(lines[1000]).toBe(`[pan] log truncated: ${64 * 1024 * 1024 - 1000} more lines (${64 * 1024 * 1024 - 1000} bytes) of output were not kept`);
  });

  it('caps long lines by bytes and by lines, whichever comes first', async () => {
    const byLines = await h.run(context(release('node long-line-flood.cjs 5000')), { stderrCapBytes: 10 * 1024 * 1024, logMaxLines: 100 });
    expect(byLines.outcome).toMatchObject({ status: 'Succeeded', stderrTruncated: true, logLines: 101 });
    expect(byLines.lines[100]).toBe('[pan] log truncated: 4900 more lines (4904900 bytes) of output were not kept');
    const byBytes = await h.run(context(release('node long-line-flood.cjs 5000')), { stderrCapBytes: 50_050, logMaxLines: 100 });
    expect(byBytes.outcome).toMatchObject({ status: 'Succeeded', stderrTruncated: true, logLines: 51 });
    expect(byBytes.lines.slice(0, 50).every((line) => line === 'y'.repeat(1000))).toBe(true);
    expect(byBytes.lines[50]).toBe(`[pan] log truncated: 4950 more lines (${5000 * 1001 - 50_050} bytes) of output were not kept`);
  });

  it('caps the build\'s output in lines too', async () => {
    await h.addRelease('rel-build-flood', { 'flood.cjs': SCRIPTS['newline-flood.cjs']!, 'ok.cjs': 'console.log(1)' });
    const { outcome, lines } = await h.run(context({ id: 'rel-build-flood', run: 'node ok.cjs', build: 'node flood.cjs 8' }), { logMaxLines: 500 });
    expect(outcome).toMatchObject({ status: 'Succeeded', stderrTruncated: true });
    expect(lines.filter((line) => line === '')).toHaveLength(499);
    expect(lines.filter((line) => line.startsWith('[pan] log truncated:'))).toHaveLength(1);
    expect(lines.length).toBeLessThan(510);
  });

  it('under the cap, no marker', async () => {
    const { outcome, lines } = await h.run(context(release('node stderr-lines.cjs 1000')), { stderrCapBytes: 1000 });
    expect(outcome.stderrTruncated).toBe(false);
    expect(lines).toHaveLength(10);
  });

  it('CRLF, very long lines and a last line without newline', async () => {
    const { lines } = await h.run(context(release('node long-lines.cjs')));
    expect(lines).toEqual(['one', 'two', `${'L'.repeat(16384)} [pan] line cut at 16384 bytes: ${40000 - 16384} more bytes were not kept`, 'last']);
  });

  it('reaches onLog in batches of at most 200 lines, seq from 1 without gaps', async () => {
    const { outcome, batches } = await h.run(context(release('node many-lines.cjs')));
    const all = batches.flat();
    expect(all.map((l) => l.seq)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(all.map((l) => l.line)).toEqual(Array.from({ length: 450 }, (_, i) => `line ${i + 1}`));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(200);
    expect(all.every((l) => l.at instanceof Date)).toBe(true);
    expect(outcome.logLines).toBe(450);
  });
});

describe('stopping', () => {
  it('over the time limit, the whole group is killed (a background child too): Failed (Timeout)', async () => {
    const marker = processMarker();
    const ctx = context(release(`node with-child.cjs ${marker}`));
    const { outcome, lines } = await runPastLimit(ctx, 1000);
    expect(outcome).toMatchObject({ status: 'Failed (Timeout)', exitCode: null, signal: 'SIGTERM' });
    expect(lines).toEqual(['ready', '[pan] the run took longer than its time limit of 1 s and was stopped']);
    expect(await pidsOf(ctx.runId)).toHaveLength(2);
    expect(await liveProcessesWith(marker)).toEqual([]);
  });

  it('children that ignore SIGTERM get SIGKILL after the grace period', async () => {
    const marker = processMarker();
    const ctx = context(release(`trap '' TERM; sleep ${marker} & echo $! $$ > "$HOME/../pids"; sleep ${marker}`));
    const { outcome } = await runPastLimit(ctx, 300);
    expect(outcome.status).toBe('Failed (Timeout)');
    expect(await pidsOf(ctx.runId)).toHaveLength(2);
    expect(await liveProcessesWith(marker)).toEqual([]);
  });

  it('a child left running when the script exits does not outlive the run', async () => {
    const marker = processMarker();
    const ctx = context(release(`sleep ${marker} & echo $! > "$HOME/../pids"; echo '{"ok":true}'`));
    const { outcome } = await h.run(ctx);
    expect(outcome).toMatchObject({ status: 'Succeeded', stdoutJson: '{"ok":true}' });
    expect(await pidsOf(ctx.runId)).toHaveLength(1);
    expect(await liveProcessesWith(marker)).toEqual([]);
  });

  it('aborting kills the run: Failed (Platform Issue)', async () => {
    const controller = new AbortController();
    const ctx = context(release('node started-then-wait.cjs'));
    const outcome = await h.executor.execute({
      context: ctx,
      limits: { timeoutMs: 20_000, stdoutCapBytes: 1000, stderrCapBytes: 1000 },
      onLog: (lines) => {
        if (lines.some((l) => l.line === 'started')) controller.abort();
      },
      signal: controller.signal,
    });
    expect(outcome.status).toBe('Failed (Platform Issue)');
  });

  it('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = context(release('true'));
    const outcome = await h.executor.execute({
      context: ctx,
      limits: { timeoutMs: 1000, stdoutCapBytes: 1000, stderrCapBytes: 1000 },
      onLog: () => {},
      signal: controller.signal,
    });
    expect(outcome.status).toBe('Failed (Platform Issue)');
    await expect(access(h.runDir(ctx.runId))).rejects.toThrow();
  });
});

describe('the run directory', () => {
  it('is removed after the run unless kept', async () => {
    const other = await harness('exec-rm', { keepRunDirectories: false });
    try {
      await other.addRelease('r', { 'x.txt': 'x' });
      const ctx = context({ id: 'r', run: 'test -d "$HOME" && test -f x.txt' });
      const { outcome } = await other.run(ctx);
      expect(outcome.status).toBe('Succeeded');
      await expect(access(other.runDir(ctx.runId))).rejects.toThrow();
    } finally {
      await other.remove();
    }
  });

  it('an environment variable too long for the system fails the run before it starts, saying which', async () => {
    const ctx = context(release('true'), {
      lastSuccessfulRun: { startedAt: new Date(), endedAt: new Date(), status: 'Succeeded', stdout: JSON.stringify({ big: 'x'.repeat(200_000) }) },
    });
    const { outcome, lines } = await h.run(ctx);
    expect(outcome.status).toBe('Failed (Platform Issue)');
    expect(lines[0]).toMatch(/^\[pan\] PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT is \d+ bytes/);
  });
});

describe('directCommand', () => {
  const PATH = '/usr/local/bin:/usr/bin:/bin';
  it.each<[string, string[] | null]>([
    ['sh', []],
    ['sh  -c   x', ['-c', 'x']],
    ['sh -u main.py --since=2024-01-01 @scope/pkg a,b 50%', ['-u', 'main.py', '--since=2024-01-01', '@scope/pkg', 'a,b', '50%']],
    ['cd src && node index.js', null],
    ['exit 3', null],
    ['no-such-program', null],
    ['FOO=1 sh', null],
    ['sh "quoted"', null],
    ['sh $HOME', null],
    ['sh *.js', null],
    ['sh ~/x', null],
    ['sh x > out', null],
    ['', null],
  ])('%s', async (command, args) => {
    const found = await directCommand(command, '/', PATH);
    if (args === null) expect(found).toBeNull();
    else expect(found).toEqual({ file: expect.stringMatching(/\/bin\/sh$/), args });
  });

  it('finds a program by relative path from the working directory', async () => {
    expect(await directCommand('./node_modules/.bin/tsc --version', path.resolve('.'), '')).toEqual({
      file: path.resolve('node_modules/.bin/tsc'),
      args: ['--version'],
    });
  });
});
