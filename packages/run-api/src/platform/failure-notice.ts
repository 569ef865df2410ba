/**
 * A failure that repeats while something is down (the database: a run's log writes fail at every
 * batch, a lease renewal every few hundred ms) is logged once when it starts and once when it
 * ends, with how many attempts failed meanwhile, not once per attempt.
 */
export class FailureNotice {
  #failures = 0;

  constructor(
    private readonly what: string,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  failed(error: unknown, fields?: Record<string, unknown>): void {
    if (this.#failures++ === 0) this.log(`${this.what} failed`, { ...fields, error: String(error) });
  }

  succeeded(): void {
    if (this.#failures === 0) return;
    this.log(`${this.what} works again`, { failures: this.#failures });
    this.#failures = 0;
  }
}
