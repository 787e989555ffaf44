import type { Kysely, Migration } from 'kysely';

/** Alerts with their evidence, review transitions and attachments. */
export const alerts: Migration = {
  async up(_db: Kysely<any>) {},
};
