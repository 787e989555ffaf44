import fs from 'node:fs';

/**
 * Flushes SQLite's write-ahead log to disk with fdatasync, after a commit made at
 * synchronous=NORMAL. SQLite syncs the WAL before each checkpoint and the database after it,
 * so together with this sync a commit is as durable as under synchronous=FULL. It runs in the
 * ingest worker thread, where blocking on the disk delays only the next commit group.
 */
export class WalSync {
  readonly #walPath: string;
  #fd: number | null = null;

  constructor(databaseFile: string) {
    this.#walPath = `${databaseFile}-wal`;
  }

  /** Returns once everything written to the WAL so far is on disk. */
  sync(): void {
    // The WAL exists once the first transaction has committed; SQLite keeps it while connections are open.
    this.#fd ??= fs.openSync(this.#walPath, 'r');
    fs.fdatasyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd !== null) fs.closeSync(this.#fd);
    this.#fd = null;
  }
}
