import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './schema.ts';
import { initial } from './migrations/001-initial.ts';

/** An open store: the Kysely query builder and, for the ingest hot path, the raw SQLite handle. */
export interface Store {
  db: Kysely<Database>;
  sqlite: SqliteDatabase.Database;
  file: string;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = { '001-initial': initial };

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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed on ${options.file}`, { cause: error });
  }
  return {
    db,
    sqlite,
    file: options.file,
    close: () => db.destroy(),
  };
}
