import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The append-only audit log. Triggers refuse UPDATE and DELETE, so no code path of the
 * application can change or remove an entry; the SM3 chain detects changes made by anyone
 * who bypasses the triggers with direct file access.
 */
export const audit: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer')
      .addColumn('actor_username', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text')
      .addColumn('actor_address', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('object_type', 'text')
      .addColumn('object_id', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('prev_digest', 'text', (c) => c.notNull().unique())
      .addColumn('digest', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
    await db.schema.createIndex('audit_log_action_at').on('audit_log').columns(['action', 'at']).execute();
    // The retention purge deletes raw frames; the foreign-key check of each deletion looks the
    // frame up in positions, which without this index is a scan of the whole table. Frame ids grow
    // with time, so the index only ever appends at its right edge.
    await db.schema.createIndex('positions_raw_frame').on('positions').column('raw_frame_id').execute();
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be changed'); END`.execute(db);
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END`.execute(db);
  },
};
