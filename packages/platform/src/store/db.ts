import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { initial } from './migrations/001-initial.ts';
import { audit } from './migrations/002-audit.ts';
import { accounts } from './migrations/003-accounts.ts';
import { dataKeys } from './migrations/004-data-keys.ts';
import { rollout } from './migrations/005-rollout.ts';
import { rolloutSecurityTests } from './migrations/006-rollout-security-tests.ts';
import { exchange } from './migrations/007-exchange.ts';
import { calendar } from './migrations/008-calendar.ts';
import { ruleFacts } from './migrations/009-rule-facts.ts';
import { alerts } from './migrations/010-alerts.ts';
import { ruleEngine } from './migrations/011-rule-engine.ts';
import { alertWithdrawal } from './migrations/012-alert-withdrawal.ts';
import { dedupeIndexOrder } from './migrations/013-dedupe-index-order.ts';
import { replayLock } from './migrations/014-replay-lock.ts';

/** An open store: the Kysely query builder and, for the ingest hot path, the raw SQLite handle. */
export interface Store {
  db: Kysely<Database>;
  sqlite: SqliteDatabase.Database;
  file: string;
  /** The synchronous mode asked for: FULL makes every ingest commit durable on power loss. */
  synchronous: 'FULL' | 'NORMAL';
  /** Data keys for sealed columns; set by attachKeyring (src/crypto/setup.ts) after opening. */
  keyring: Keyring | null;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-audit': audit,
  '003-accounts': accounts,
  '004-data-keys': dataKeys,
  '005-rollout': rollout,
  '006-rollout-security-tests': rolloutSecurityTests,
  '007-exchange': exchange,
  '008-calendar': calendar,
  '009-rule-facts': ruleFacts,
  '010-alerts': alerts,
  '011-rule-engine': ruleEngine,
  '012-alert-withdrawal': alertWithdrawal,
  '013-dedupe-index-order': dedupeIndexOrder,
  '014-replay-lock': replayLock,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface OpenStoreOptions {
  /** Database file, or ':memory:'. */
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) the SQLite store in WAL mode and runs pending migrations. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const sqlite = new SqliteDatabase(options.file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // The checkpoint worker keeps the WAL short; this threshold only applies if it falls behind.
  sqlite.pragma('wal_autocheckpoint = 20000');
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed on ${options.file}`, { cause: error });
  }
  const checkpointer = options.file === ':memory:' ? null : startCheckpointer(options.file, options.synchronous ?? 'FULL');
  return {
    db,
    sqlite,
    file: options.file,
    synchronous: options.synchronous ?? 'FULL',
    keyring: null,
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

const checkpointIntervalMs = 1000;

function startCheckpointer(file: string, synchronous: string) {
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, synchronous, intervalMs: checkpointIntervalMs } });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.ref();
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
