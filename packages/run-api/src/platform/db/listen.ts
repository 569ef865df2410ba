/**
 * A dedicated LISTEN connection that survives the database: when its connection breaks (a
 * PostgreSQL restart, a terminated backend, a network cut) it reconnects with capped exponential
 * backoff and LISTENs again. Notifications sent while it was away are lost, so `onReconnect` tells
 * the owner to catch up (claim, re-read) once it listens again.
 */
import pg from 'pg';

export interface ListenOptions {
  /** A connection string, or the pool whose settings the dedicated client copies. */
  database: string | pg.Pool;
  channels: readonly string[];
  onNotification(message: pg.Notification): void;
  /** It listens again after a break: anything notified meanwhile was missed. */
  onReconnect?(): void;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** The first retry's delay (default 100 ms); doubled per failure up to `maxDelayMs` (default 5 s). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class ListenConnection {
  readonly #options: ListenOptions;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;

  constructor(options: ListenOptions) {
    this.#options = options;
  }

  /** Connected and listening right now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** The first connection: rejects if it cannot be made (the caller decides); later breaks reconnect on their own. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const { database, channels } = this.#options;
    const client = new pg.Client(typeof database === 'string' ? { connectionString: database } : database.options);
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      if (this.#closed) return;
      this.#log('LISTEN connection lost; reconnecting', { channels, error: error ? String(error) : undefined });
      this.#scheduleReconnect();
    };
    // Every 'error' is heard (an unheard one ends the process); 'end' follows a break and is the trigger.
    client.on('error', (error) => onLost(error));
    client.on('notification', (message) => this.#options.onNotification(message));
    try {
      await client.connect();
      for (const channel of channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      lost = true;
      await client.end().catch(() => {});
      throw error;
    }
    client.on('end', () => onLost());
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#failures = 0;
  }

  #scheduleReconnect(): void {
    const { minDelayMs = 100, maxDelayMs = 5_000 } = this.#options;
    const delay = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(this.#failures, 20));
    this.#failures += 1;
    this.#retry = setTimeout(() => {
      if (this.#closed) return;
      this.#connect().then(
        () => {
          if (this.#closed) return;
          this.#log('LISTEN connection back', { channels: this.#options.channels });
          this.#options.onReconnect?.();
        },
        (error: unknown) => {
          if (this.#closed) return;
          this.#log('LISTEN reconnect failed; retrying', { error: String(error), attempt: this.#failures });
          this.#scheduleReconnect();
        },
      );
    }, delay);
    // A pending retry alone must not keep the process alive.
    this.#retry.unref();
  }

  #log(message: string, fields?: Record<string, unknown>): void {
    this.#options.log?.(message, fields);
  }
}
