import fs from 'node:fs';

/**
 * Flushes SQLite's write-ahead log to disk with fdatasync, after a commit made at
 * synchronous=NORMAL. SQLite syncs the WAL before each checkpoint and the database after it,
 * so together with this sync a commit is as durable as under synchronous=FULL. The sync runs in
 * libuv's thread pool, so the ingest worker can commit the next group meanwhile.
 */
export class WalSync {
  readonly #walPath: string;
  #fd: number | null = null;
  #inFlight = false;
  #waiting: { resolve(): void; reject(error: unknown): void }[] = [];

  constructor(databaseFile: string) {
    this.#walPath = `${databaseFile}-wal`;
  }

  /**
   * Resolves once everything written to the WAL before the call is on disk. One fdatasync runs
   * at a time; calls made meanwhile share the next one, and promises resolve in call order.
   */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      if (!this.#inFlight) this.#next();
    });
  }

  #next(): void {
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 0) {
      this.#inFlight = false;
      return;
    }
    this.#inFlight = true;
    // The WAL exists once the first transaction has committed; SQLite keeps it while connections are open.
    this.#fd ??= fs.openSync(this.#walPath, 'r');
    fs.fdatasync(this.#fd, (error) => {
      for (const waiter of batch) error ? waiter.reject(error) : waiter.resolve();
      this.#next();
    });
  }

  close(): void {
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
