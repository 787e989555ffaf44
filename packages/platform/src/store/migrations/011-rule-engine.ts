import type { Kysely, Migration } from 'kysely';

/** Rules engine state: detector state per vehicle, the evaluation cursor, trips, templates and settings. */
export const ruleEngine: Migration = {
  async up(_db: Kysely<any>) {},
};
