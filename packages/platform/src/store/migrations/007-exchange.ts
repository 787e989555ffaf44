import type { Kysely, Migration } from 'kysely';

/**
 * The data exchange between networks: packages exported (for the per-sender sequence number),
 * packages imported (the replay check) and the records imported, sealed under the data keys.
 */
export const exchange: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('exchange_exports')
      .addColumn('package_id', 'text', (c) => c.primaryKey())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('period_from', 'bigint', (c) => c.notNull())
      .addColumn('period_to', 'bigint', (c) => c.notNull())
      .addColumn('receiver_fingerprint', 'text')
      .addColumn('counts', 'text', (c) => c.notNull())
      .addUniqueConstraint('exchange_exports_sender_sequence', ['sender_id', 'sequence'])
      .execute();

    await db.schema
      .createTable('exchange_imports')
      .addColumn('package_id', 'text', (c) => c.primaryKey())
      .addColumn('sender_id', 'text', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull())
      .addColumn('signer_fingerprint', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('period_from', 'bigint', (c) => c.notNull())
      .addColumn('period_to', 'bigint', (c) => c.notNull())
      .addColumn('imported_at', 'bigint', (c) => c.notNull())
      .addColumn('counts', 'text', (c) => c.notNull())
      .addUniqueConstraint('exchange_imports_sender_sequence', ['sender_id', 'sequence'])
      .execute();

    await db.schema
      .createTable('exchange_records')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('package_id', 'text', (c) => c.notNull().references('exchange_imports.package_id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('sealed', 'blob', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_records_package').on('exchange_records').columns(['package_id', 'kind', 'line']).unique().execute();
  },
};
