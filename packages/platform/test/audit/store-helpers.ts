import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/db.ts';
import { appendAudit } from '../../src/audit/log.ts';

export interface TempStore {
  dir: string;
  store: Store;
  cleanup(): Promise<void>;
}

/** Opens a store on a fresh SQLite file in a temporary folder. */
export async function tempStore(): Promise<TempStore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-audit-'));
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  return {
    dir,
    store,
    async cleanup() {
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Appends n entries by a test user, as the application would. */
export function appendEntries(store: Store, n: number): number[] {
  const seqs: number[] = [];
  for (let i = 1; i <= n; i++) {
    seqs.push(appendAudit(store, { actor: { userId: 7, username: 'kashgar.ops', role: 'bureau_admin', address: '10.1.2.3' }, action: 'positions.read', objectType: 'vehicle', objectId: i, detail: { count: i } }));
  }
  return seqs;
}

/**
 * Tampers with the database file as an attacker with file access would: a separate
 * connection that first drops the triggers, then runs the given SQL.
 */
export function tamper(store: Store, work: (db: SqliteDatabase.Database) => void, options: { dropConstraints?: boolean } = {}): void {
  const db = new SqliteDatabase(store.file);
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    if (options.dropConstraints) {
      // The unique link index stops two entries from naming the same predecessor; rebuild the table without it.
      db.exec('CREATE TABLE audit_copy AS SELECT * FROM audit_log; DROP TABLE audit_log; ALTER TABLE audit_copy RENAME TO audit_log;');
    }
    work(db);
  } finally {
    db.close();
  }
}
