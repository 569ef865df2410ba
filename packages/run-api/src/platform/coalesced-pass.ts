/**
 * Runs `pass` when woken; wakes that arrive during a pass coalesce into one more pass after it.
 * The run worker and the notification deliverer claim work this way (a NOTIFY, a timer, a
 * finished job: any of them may wake it, none of them starts a second concurrent claim).
 */
export class CoalescedPass {
  #running = false;
  #again = false;
  #stopped = false;
  #current: Promise<void> = Promise.resolve();

  constructor(private readonly pass: () => Promise<void>) {}

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.#current = this.pass().finally(() => {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** No more passes; resolves when the current one (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#current.catch(() => {});
  }
}
