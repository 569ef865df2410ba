/**
 * Stores one run's log in order, ONE insert at a time. Batches handed over while an insert is in
 * flight wait in `pending` and go together in the next insert (up to MAX_INSERT_LINES lines or
 * MAX_INSERT_BYTES). Nothing is dropped here: what waits is bounded by the run's log caps (the
 * executor hands over at most PAN_RUN_LOG_MAX_LINES lines of output and PAN_RUN_STDERR_CAP bytes of
 * stderr, plus a few `[pan]` notes, and keeps reading the script's pipes whatever the database's
 * pace), so a slow database makes the log late, never the worker's memory unbounded.
 */
import type { LogLine } from '../runner/types.ts';

const MAX_INSERT_LINES = 1000;
const MAX_INSERT_BYTES = 1024 * 1024;

export class LogWriter {
  #pending: LogLine[] = [];
  #draining: Promise<void> | undefined;
  /** Some batch could not be stored. */
  failed = false;
  /** The most lines that ever waited at once, and the most inserts ever in flight (observability, tests). */
  readonly stats = { maxPendingLines: 0, maxInFlight: 0 };
  #inFlight = 0;

  constructor(
    private readonly write: (lines: LogLine[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(lines: readonly LogLine[]): void {
    for (const line of lines) this.#pending.push(line);
    this.stats.maxPendingLines = Math.max(this.stats.maxPendingLines, this.#pending.length);
    this.#draining ??= this.#drain();
  }

  /** Resolves once everything handed over so far is stored (or failed). */
  async flushed(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      let count = 0;
      let bytes = 0;
      while (count < this.#pending.length && count < MAX_INSERT_LINES && (count === 0 || bytes < MAX_INSERT_BYTES)) {
        bytes += this.#pending[count]!.line.length;
        count += 1;
      }
      const batch = this.#pending.splice(0, count);
      this.#inFlight += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.#inFlight);
      try {
        await this.write(batch);
      } catch (error) {
        this.failed = true;
        this.onError(error);
      } finally {
        this.#inFlight -= 1;
      }
    }
    this.#draining = undefined;
  }
}
