import fs from 'node:fs';

/**
 * Flushes SQLite's write-ahead log to disk with an fsync in libuv's thread pool, so that an
 * ingest commit becomes durable without blocking the event loop. Used with the commit run at
 * synchronous=NORMAL: SQLite then syncs the WAL before each checkpoint and the database after
 * it, and this fsync covers the frames appended since, which together is what FULL gives.
 */
export class WalSync {
  readonly #walPath: string;
  #fd: number | null = null;

  constructor(databaseFile: string) {
    this.#walPath = `${databaseFile}-wal`;
  }

  #inFlight: Promise<void> | null = null;
  #waiting: { resolve(): void; reject(error: unknown): void }[] = [];

  /**
   * Resolves once everything written to the WAL before the call is on disk. At most one
   * fdatasync runs at a time; calls made meanwhile share the next one.
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
      this.#inFlight = null;
      return;
    }
    // The WAL exists once the first transaction has committed; SQLite keeps it while connections are open.
    this.#fd ??= fs.openSync(this.#walPath, 'r');
    const fd = this.#fd;
    this.#inFlight = new Promise<void>((done) =>
      fs.fdatasync(fd, (error) => {
        for (const w of batch) error ? w.reject(error) : w.resolve();
        done();
        this.#next();
      }),
    );
  }

  close(): void {
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
