import type { Kysely, Migration } from 'kysely';

/**
 * Leads the positions' unique dedupe index with the dedupe key instead of the terminal. The key
 * starts with the report's BCD device time, so new reports now land on the last pages of the
 * index, where each group commit dirties a few pages, instead of on one page per terminal.
 * Uniqueness is the same pair of columns. On a large store the rebuild takes a while at the
 * first start after the upgrade.
 */
export const dedupeIndexOrder: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('positions_dedupe').on('positions').columns(['dedupe_key', 'terminal_id']).unique().execute();
    await db.schema.dropIndex('positions_terminal_dedupe').execute();
  },
};
