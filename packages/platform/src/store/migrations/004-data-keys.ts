import type { Kysely, Migration } from 'kysely';

export const dataKeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('data_keys')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addColumn('wrapped', 'blob', (c) => c.notNull())
      .addColumn('master_fingerprint', 'text', (c) => c.notNull())
      .execute();
  },
};
