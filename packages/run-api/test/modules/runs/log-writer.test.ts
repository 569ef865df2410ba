import { describe, expect, it } from 'vitest';
import { LogWriter } from '../../../src/modules/runs/log-writer.ts';
import type { LogLine } from '../../../src/modules/runner/types.ts';

const lines = (from: number, count: number): LogLine[] => Array.from({ length: count }, (_, i) => ({ seq: from + i, at: new Date(0), line: `line ${from + i}` }));

/** A store whose inserts end when the test says so. */
function slowStore() {
  const inserts: { lines: LogLine[]; done(error?: Error): void }[] = [];
  let waiting: (() => void) | undefined;
  return {
    inserts,
    write: (batch: LogLine[]) =>
      new Promise<void>((resolve, reject) => {
        inserts.push({ lines: batch, done: (error) => (error ? reject(error) : resolve()) });
        waiting?.();
      }),
    /** The next insert (waits for it to start). */
    async next() {
      while (inserts.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
      return inserts.shift()!;
    },
  };
}

describe('LogWriter', () => {
  it('keeps one insert in flight and sends what piled up meanwhile in order, in bounded inserts', async () => {
    const store = slowStore();
    const errors: unknown[] = [];
    const writer = new LogWriter(store.write, (error) => errors.push(error));
    writer.push(lines(1, 200));
    // 25 more batches arrive while the first insert is slow.
    for (let i = 0; i < 25; i += 1) writer.push(lines(201 + i * 200, 200));
    const stored: number[] = [];
    let flushed = false;
    const flushing = writer.flushed().then(() => (flushed = true));
    for (;;) {
      const insert = await store.next();
      expect(insert.lines.length).toBeLessThanOrEqual(1000);
      stored.push(...insert.lines.map((l) => l.seq));
      expect(flushed).toBe(false);
      insert.done();
      if (stored.length === 5200) break;
    }
    await flushing;
    expect(stored).toEqual(Array.from({ length: 5200 }, (_, i) => i + 1));
    expect(writer.stats).toEqual({ maxPendingLines: 5000, maxInFlight: 1 });
    expect(writer.failed).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a failed insert is reported and the rest still goes', async () => {
    const store = slowStore();
    const errors: unknown[] = [];
    const writer = new LogWriter(store.write, (error) => errors.push(error));
    writer.push(lines(1, 10));
    writer.push(lines(11, 10));
    (await store.next()).done(new Error('disk full'));
    const second = await store.next();
    expect(second.lines.map((l) => l.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
    second.done();
    await writer.flushed();
    expect(writer.failed).toBe(true);
    expect(errors).toEqual([new Error('disk full')]);
  });
});
