import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import { AppError, conflict } from '../errors.ts';
import { generateTotpSecret, matchTotp, otpauthUri } from './totp.ts';
import type { User } from './users.ts';
import type { Keyring } from '../crypto/keyring.ts';

/** Associated data that binds a sealed TOTP secret to its user. */
const totpAad = (userId: number) => `users|${userId}|totp_secret`;

/** Seals a TOTP secret under the store's data keys for users.totp_secret, as base64. */
export function sealTotpSecret(keyring: Keyring, userId: number, secret: string): string {
  return keyring.sealer().seal(Buffer.from(secret), totpAad(userId)).toString('base64');
}

/** Opens a TOTP secret stored by sealTotpSecret; fails with GONGCHE_ERR_DECRYPT_FAILED if it was altered. */
export function openTotpSecret(keyring: Keyring, userId: number, stored: string): string {
  return keyring.open(Buffer.from(stored, 'base64'), totpAad(userId), `TOTP secret of user ${userId}`).toString();
}

/** Returns whether the user's role must have a TOTP second factor and the user has not enrolled one yet. */
export function mustEnrolTotp(user: Pick<User, 'role' | 'totpEnabled'>, settings: AuthSettings): boolean {
  return !user.totpEnabled && settings.totpRequiredRoles.includes(user.role);
}

/**
 * Starts TOTP enrolment: stores a new secret that is not yet in force and returns it with
 * its otpauth:// URI. This is the only time the secret leaves the server. Calling it again
 * before enabling replaces the secret.
 */
export async function startTotpSetup(db: Kysely<Database>, user: User, keyring: Keyring): Promise<{ secret: string; otpauthUri: string }> {
  if (user.totpEnabled) {
    throw conflict(`TOTP is already enabled for ${user.username}; a security administrator (security_admin) can reset it`, user.username);
  }
  const secret = generateTotpSecret();
  const sealed = sealTotpSecret(keyring, user.id, secret);
  await db.updateTable('users').set({ totp_secret: sealed, totp_last_step: null, updated_at: Date.now() }).where('id', '=', user.id).execute();
  return { secret, otpauthUri: otpauthUri(secret, user.username) };
}

/** Puts the pending secret in force once the user proves it with a current code; the code cannot be used again. */
export async function enableTotp(db: Kysely<Database>, user: User, code: string, keyring: Keyring, now = Date.now()): Promise<void> {
  if (user.totpEnabled) throw conflict(`TOTP is already enabled for ${user.username}`, user.username);
  const row = await db.selectFrom('users').select(['totp_secret']).where('id', '=', user.id).executeTakeFirstOrThrow();
  if (row.totp_secret === null) {
    throw new AppError('GONGCHE_ERR_TOTP_NOT_SET_UP', 409, 'No TOTP secret to enable: call POST /api/auth/totp/setup first');
  }
  const step = matchTotp(openTotpSecret(keyring, user.id, row.totp_secret), code, now, null);
  if (step === null) {
    throw new AppError('GONGCHE_ERR_TOTP_INVALID', 400, 'TOTP code does not match the secret: enter the current 6-digit code of the authenticator app', {
      details: [{ path: 'body.code', message: 'does not match the current code' }],
    });
  }
  await db.updateTable('users').set({ totp_enabled: 1, totp_last_step: step, updated_at: now }).where('id', '=', user.id).execute();
}

/** Removes a user's second factor (a lost device) and ends the user's sessions; the user enrols again at the next log-in. */
export async function resetTotp(db: Kysely<Database>, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_secret: null, totp_enabled: 0, totp_last_step: null, updated_at: Date.now() })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('auth_sessions').where('user_id', '=', userId).execute();
  });
}
