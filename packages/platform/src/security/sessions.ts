import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AuthSettings } from '../config.ts';
import type { UserRow } from './users.ts';

// last_seen_at is written at most this often per session, so busy clients do not write on every request.
const touchIntervalMs = 15_000;

/** Returns the SHA-256 (hex) of a session token: the only form stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session for a user and returns its token: 32 random bytes, base64url. */
export async function createSession(db: Kysely<Database>, userId: number, now = Date.now()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insertInto('auth_sessions').values({ token_hash: hashToken(token), user_id: userId, created_at: now, last_seen_at: now }).execute();
  return token;
}

export interface ResolvedSession {
  user: UserRow;
  tokenHash: string;
}

/** Finds the user of a live session token and refreshes its idle timer; deletes the session when it has expired. */
export async function resolveSession(
  db: Kysely<Database>,
  token: string,
  settings: AuthSettings,
  now = Date.now(),
): Promise<ResolvedSession | null> {
  const tokenHash = hashToken(token);
  const session = await db.selectFrom('auth_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!session) return null;

  const idle = now - session.last_seen_at > settings.sessionIdleTimeoutS * 1000;
  const tooOld = now - session.created_at > settings.sessionMaxLifetimeS * 1000;
  if (idle || tooOld) {
    await deleteSession(db, tokenHash);
    return null;
  }

  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (!user || user.disabled === 1) return null;
  if (now - session.last_seen_at > touchIntervalMs) {
    await db.updateTable('auth_sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
  }
  return { user, tokenHash };
}

export async function deleteSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('auth_sessions').where('token_hash', '=', tokenHash).execute();
}
