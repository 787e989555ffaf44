import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import { AppError } from '../errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { matchTotp } from './totp.ts';
import { findUserByUsername, type UserRow } from './users.ts';
import { openTotpSecret } from './second-factor.ts';
import type { Keyring } from '../crypto/keyring.ts';

export const loginFailed = () =>
  new AppError('GONGCHE_ERR_LOGIN_FAILED', 401, 'Log-in failed: wrong user name or password');

/**
 * Builds the lockout error. Its value contains the unlock time, the minutes left until then (rounded
 * up, at least 1) and the configured lockout length, so the console can tell the user how long to wait.
 */
export const accountLocked = (lockedUntil: number, now: number, settings: AuthSettings) => {
  const retryAfterMinutes = Math.max(1, Math.ceil((lockedUntil - now) / 60_000));
  return new AppError(
    'GONGCHE_ERR_ACCOUNT_LOCKED',
    423,
    `Account locked after too many failed log-ins; try again in ${retryAfterMinutes} min (after ${new Date(lockedUntil).toISOString()}) or ask the system administrator to reset the password, which unlocks the account`,
    { value: { lockedUntil: new Date(lockedUntil).toISOString(), retryAfterMinutes, lockoutMinutes: Math.ceil(settings.lockoutS / 60) } },
  );
};

export const accountDisabled = () =>
  new AppError('GONGCHE_ERR_ACCOUNT_DISABLED', 403, 'Account disabled: ask the system administrator (sys_admin) to enable it');

export const totpRequired = () =>
  new AppError('GONGCHE_ERR_TOTP_REQUIRED', 401, 'This account uses a second factor: send totpCode, the 6-digit code of the authenticator app, with the password');

export const totpInvalid = () =>
  new AppError('GONGCHE_ERR_TOTP_INVALID', 401, 'TOTP code wrong, expired or already used: enter the current 6-digit code of the authenticator app');

// Unknown user names are checked against this hash too, so they take as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Counts one failed log-in and throws: `failure` itself, or the lockout error at the `maxFailedLogins`-th. */
async function recordFailure(db: Kysely<Database>, user: UserRow, settings: AuthSettings, now: number, failure: AppError): Promise<never> {
  const failures = user.failed_logins + 1;
  if (failures >= settings.maxFailedLogins) {
    const lockedUntil = now + settings.lockoutS * 1000;
    await db.updateTable('users').set({ failed_logins: 0, locked_until: lockedUntil }).where('id', '=', user.id).execute();
    throw accountLocked(lockedUntil, now, settings);
  }
  await db
    .updateTable('users')
    .set({ failed_logins: sql<number>`failed_logins + 1`, locked_until: null })
    .where('id', '=', user.id)
    .execute();
  throw failure;
}

/**
 * Checks the TOTP code of a user with the second factor enabled and records its step, so the
 * same code is refused afterwards even by a concurrent log-in. A wrong code counts as a failure.
 */
async function checkTotp(db: Kysely<Database>, user: UserRow, code: string | undefined, settings: AuthSettings, now: number, keyring: Keyring | undefined): Promise<void> {
  if (code === undefined || code === '') throw totpRequired();
  if (!keyring) throw new AppError('GONGCHE_ERR_MASTER_KEY_MISSING', 500, 'Checking a TOTP code needs the store\'s keys, and this log-in was called without them');
  const step = user.totp_secret === null ? null : matchTotp(openTotpSecret(keyring, user.id, user.totp_secret), code, now, user.totp_last_step);
  if (step !== null) {
    const claimed = await db
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    if (claimed.numUpdatedRows > 0n) return;
  }
  await recordFailure(db, user, settings, now, totpInvalid());
}

/** Returns whether the user's password is older than the expiry policy allows. */
export function passwordExpired(user: UserRow, settings: AuthSettings, now = Date.now()): boolean {
  if (settings.passwordMaxAgeDays <= 0) return false;
  return now - user.password_changed_at > settings.passwordMaxAgeDays * 86_400_000;
}

/**
 * Checks a user name, password and, for accounts with the second factor, the TOTP code.
 * Counts consecutive failures of either factor and locks the account for `lockoutS` at the
 * `maxFailedLogins`-th; a full success resets the count. An expired password turns on the
 * must-change-password flag of the returned row.
 */
export async function checkLogin(
  db: Kysely<Database>,
  username: string,
  password: string,
  settings: AuthSettings,
  now = Date.now(),
  totpCode?: string,
  keyring?: Keyring,
): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user) {
    dummyHash ??= hashPassword('gongche-unknown-user');
    await verifyPassword(password, await dummyHash);
    throw loginFailed();
  }
  if (user.locked_until !== null && user.locked_until > now) throw accountLocked(user.locked_until, now, settings);
  if (!(await verifyPassword(password, user.password_hash))) await recordFailure(db, user, settings, now, loginFailed());
  // Disabled accounts are reported only after a correct password, so the error reveals nothing to a guesser.
  if (user.disabled === 1) throw accountDisabled();
  if (user.totp_enabled === 1) await checkTotp(db, user, totpCode, settings, now, keyring);

  const expired = passwordExpired(user, settings, now);
  const mustChange = user.must_change_password === 1 || expired ? 1 : 0;
  if (user.failed_logins !== 0 || user.locked_until !== null || mustChange !== user.must_change_password) {
    await db.updateTable('users').set({ failed_logins: 0, locked_until: null, must_change_password: mustChange }).where('id', '=', user.id).execute();
  }
  return { ...user, failed_logins: 0, locked_until: null, must_change_password: mustChange };
}
