import type { Kysely, Selectable } from 'kysely';
import type { Database, UserTable } from '../store/schema.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { hashPassword, passwordProblem } from './passwords.ts';

export const roles = [
  'bureau_admin',
  'sys_admin',
  'security_admin',
  'auditor',
  'secrecy_reviewer',
  'unit_supervisor',
  'unit_operator',
  'installer',
  'inspector',
] as const;
export type Role = (typeof roles)[number];

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

/** A user as the API shows it; the password hash and lockout counters stay in the store. */
export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  unitId: number | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  disabled: boolean;
}

export type UserRow = Selectable<UserTable>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    unitId: row.unit_id,
    mustChangePassword: row.must_change_password === 1,
    totpEnabled: row.totp_enabled === 1,
    disabled: row.disabled === 1,
  };
}

const usernamePattern = /^[\p{L}\p{N}_.-]{2,40}$/u;

export interface NewUser {
  username: string;
  role: string;
  password: string;
  unitId?: number | null | undefined;
  displayName?: string | null | undefined;
  mustChangePassword: boolean;
}

function checkNewUser(user: NewUser): void {
  if (!usernamePattern.test(user.username)) {
    throw invalid(`Invalid user name "${user.username}": use 2 to 40 letters, digits, "_", "." or "-"`, user.username);
  }
  if (!isRole(user.role)) throw invalid(`Invalid role "${user.role}"; valid roles: ${roles.join(', ')}`, user.role);
  const problem = passwordProblem(user.password, user.username);
  if (problem) throw invalid(`Invalid password: it ${problem}`);
}

/** Creates a user after checking the user name, role, unit and password policy. */
export async function createUser(db: Kysely<Database>, user: NewUser): Promise<User> {
  checkNewUser(user);
  if (user.unitId != null) {
    const unit = await db.selectFrom('units').select('id').where('id', '=', user.unitId).executeTakeFirst();
    if (!unit) throw notFound('Unit', user.unitId);
  }
  const now = Date.now();
  try {
    const row = await db
      .insertInto('users')
      .values({
        username: user.username,
        display_name: user.displayName ?? null,
        role: user.role,
        unit_id: user.unitId ?? null,
        password_hash: await hashPassword(user.password),
        must_change_password: user.mustChangePassword ? 1 : 0,
        failed_logins: 0,
        locked_until: null,
        created_at: now,
        updated_at: now,
        password_changed_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`User name "${user.username}" is already taken`, user.username);
    throw error;
  }
}

/** Replaces a user's password, clears any lockout and ends all of the user's sessions except `keepTokenHash`. */
export async function setPassword(
  db: Kysely<Database>,
  userId: number,
  password: string,
  options: { mustChangePassword: boolean; keepTokenHash?: string },
): Promise<void> {
  const passwordHash = await hashPassword(password);
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        password_hash: passwordHash,
        must_change_password: options.mustChangePassword ? 1 : 0,
        failed_logins: 0,
        locked_until: null,
        updated_at: now,
        password_changed_at: now,
      })
      .where('id', '=', userId)
      .execute();
    let sessions = trx.deleteFrom('auth_sessions').where('user_id', '=', userId);
    if (options.keepTokenHash) sessions = sessions.where('token_hash', '!=', options.keepTokenHash);
    await sessions.execute();
  });
}

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}
