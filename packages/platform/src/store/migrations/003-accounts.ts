import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Account columns: the disabled flag, the time of the last password change (for expiry)
 * and the TOTP second factor with the last accepted time step (against replay).
 */
export const accounts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('users').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('users').addColumn('password_changed_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    // Existing passwords count from the account's last change, the best time the store has.
    await sql`UPDATE users SET password_changed_at = updated_at`.execute(db);
    await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
  },
};
