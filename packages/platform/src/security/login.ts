import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import { AppError } from '../errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { findUserByUsername, type UserRow } from './users.ts';

export const loginFailed = () =>
  new AppError('GONGCHE_ERR_LOGIN_FAILED', 401, 'Log-in failed: wrong user name or password');

export const accountLocked = (lockedUntil: number) =>
  new AppError(
    'GONGCHE_ERR_ACCOUNT_LOCKED',
    423,
    `Account locked after too many failed log-ins; try again after ${new Date(lockedUntil).toISOString()} or ask an administrator to reset the password`,
    { value: { lockedUntil: new Date(lockedUntil).toISOString() } },
  );

// Unknown user names are checked against this hash too, so they take as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/**
 * Checks a user name and password. Counts consecutive failures and locks the account for
 * `lockoutS` at the `maxFailedLogins`-th; a success resets the count.
 */
export async function checkLogin(
  db: Kysely<Database>,
  username: string,
  password: string,
  settings: AuthSettings,
  now = Date.now(),
): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user) {
    dummyHash ??= hashPassword('gongche-unknown-user');
    await verifyPassword(password, await dummyHash);
    throw loginFailed();
  }
  if (user.locked_until !== null && user.locked_until > now) throw accountLocked(user.locked_until);

  if (await verifyPassword(password, user.password_hash)) {
    if (user.failed_logins !== 0 || user.locked_until !== null) {
      await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
    }
    return user;
  }

  const failures = user.failed_logins + 1;
  if (failures >= settings.maxFailedLogins) {
    const lockedUntil = now + settings.lockoutS * 1000;
    await db.updateTable('users').set({ failed_logins: 0, locked_until: lockedUntil }).where('id', '=', user.id).execute();
    throw accountLocked(lockedUntil);
  }
  await db
    .updateTable('users')
    .set({ failed_logins: sql<number>`failed_logins + 1`, locked_until: null })
    .where('id', '=', user.id)
    .execute();
  throw loginFailed();
}
