import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { toUser, type Role, type User, type UserRow } from './users.ts';

/** A user as the account administration shows it: the log-in user plus lockout and password dates. */
export interface Account extends User {
  lockedUntil: string | null;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toAccount(row: UserRow): Account {
  return {
    ...toUser(row),
    lockedUntil: row.locked_until === null ? null : iso(row.locked_until),
    passwordChangedAt: iso(row.password_changed_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Roles whose data scope is a unit: their accounts need one. */
export const unitRoles: readonly Role[] = ['unit_supervisor', 'unit_operator'];

/** Throws 400 when a role needs a unit and has none, or 404 when the unit does not exist. */
export async function assertRoleUnit(db: Kysely<Database>, role: Role, unitId: number | null): Promise<void> {
  if (unitRoles.includes(role) && unitId === null) {
    const message = `Role ${role} needs a unit: send unitId`;
    throw invalid(message, role, [{ path: 'body.unitId', message }]);
  }
  if (unitId === null) return;
  const unit = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw notFound('Unit', unitId);
}

export async function listAccounts(db: Kysely<Database>): Promise<Account[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('id').execute();
  return rows.map(toAccount);
}

export async function getAccountRow(db: Kysely<Database>, id: number): Promise<UserRow> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('User', id);
  return row;
}

export interface AccountChange {
  role?: Role | undefined;
  unitId?: number | null | undefined;
  disabled?: boolean | undefined;
  displayName?: string | null | undefined;
}

/** Returns the fields a change really alters, as { field: { from, to } }, for the audit log. */
function changedFields(row: UserRow, change: AccountChange): Record<string, { from: unknown; to: unknown }> {
  const before = toUser(row);
  const fields: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of ['role', 'unitId', 'disabled', 'displayName'] as const) {
    const to = change[key];
    if (to !== undefined && to !== before[key]) fields[key] = { from: before[key], to };
  }
  return fields;
}

/**
 * Changes another user's role, unit, disabled flag or display name. Nobody changes their own
 * role or disables themselves. A change of role, unit or disabled flag ends the user's sessions,
 * so it takes effect at once. Returns the account and the fields that changed.
 */
export async function updateAccount(db: Kysely<Database>, actor: User, id: number, change: AccountChange) {
  const row = await getAccountRow(db, id);
  if (id === actor.id && (change.role !== undefined || change.disabled !== undefined)) {
    throw forbidden('Nobody may change their own role or disable their own account; ask another system administrator');
  }
  const role = change.role ?? (row.role as Role);
  const unitId = change.unitId === undefined ? row.unit_id : change.unitId;
  await assertRoleUnit(db, role, unitId);

  const fields = changedFields(row, change);
  if (Object.keys(fields).length === 0) return { account: toAccount(row), fields };
  const endSessions = 'role' in fields || 'unitId' in fields || 'disabled' in fields;
  const updated = await db.transaction().execute(async (trx) => {
    const next = await trx
      .updateTable('users')
      .set({
        role,
        unit_id: unitId,
        ...(change.disabled !== undefined && { disabled: change.disabled ? 1 : 0 }),
        ...(change.displayName !== undefined && { display_name: change.displayName }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (endSessions) await trx.deleteFrom('auth_sessions').where('user_id', '=', id).execute();
    return next;
  });
  return { account: toAccount(updated), fields };
}
