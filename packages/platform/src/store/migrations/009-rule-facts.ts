import type { Kysely, Migration } from 'kysely';

/** Places, trip orders, drivers, driver identity reports and duty rosters. */
export const ruleFacts: Migration = {
  async up(_db: Kysely<any>) {},
};
