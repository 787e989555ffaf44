import type { Kysely, Migration } from 'kysely';

/**
 * Columns for alerts that a rules replay no longer reproduces. A pending alert is withdrawn
 * (withdrawn_at); an alert that people have already reviewed keeps its review state and is only
 * flagged (not_reproduced_at). Withdrawal is stored beside the review state rather than as a state
 * of its own because SQLite cannot change the state column's CHECK constraint without rebuilding
 * the table, which the attachments and transitions reference.
 */
export const alertWithdrawal: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('alerts').addColumn('withdrawn_at', 'bigint').execute();
    await db.schema.alterTable('alerts').addColumn('not_reproduced_at', 'bigint').execute();
    await db.schema.alterTable('alerts').addColumn('not_reproduced', 'text').execute();
  },
};
