import { sql, type Kysely, type Migration } from 'kysely';
import { chineseDaysSeedRows } from '../../rules/calendar-seed.ts';

/**
 * China's statutory holidays and adjusted working days (调休), editable by administrators,
 * seeded from chinese-days 1.5.7 (years 2004 to 2026).
 */
export const calendar: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('calendar_days')
      .addColumn('date', 'text', (c) => c.primaryKey().check(sql`date glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('holiday', 'workday')`))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('seed', 'admin')`))
      .execute();

    const rows = chineseDaysSeedRows();
    const chunkSize = 200;
    for (let i = 0; i < rows.length; i += chunkSize) {
      await db.insertInto('calendar_days').values(rows.slice(i, i + chunkSize)).execute();
    }
  },
};
