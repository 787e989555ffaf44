import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The lock that lets one storing rules replay run at a time across processes: the console's
 * replays run inside `gongche serve`, the command's in a process of its own, and both replace the
 * period's trips. At most one row (id 1).
 */
export const replayLock: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('rules_replay_lock')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
