import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/db.ts';
import type { UserRow } from '../security/users.ts';
import { appendAudit, AUDIT_ACTIONS } from './log.ts';

/**
 * Runs one log-in attempt and records it: auth.login on success; auth.login_failed with the
 * error code on failure; and auth.account_locked when this very attempt locked the account.
 * The password is never recorded.
 */
export async function auditedLogin(store: Store, request: FastifyRequest, username: string, attempt: () => Promise<UserRow>): Promise<UserRow> {
  const before = store.sqlite.prepare('SELECT id, role, locked_until FROM users WHERE username = ?').get(username) as
    | { id: number; role: string; locked_until: number | null }
    | undefined;
  const actor = { userId: before?.id ?? null, username, role: before?.role ?? null, address: request.ip };
  let row: UserRow;
  try {
    row = await attempt();
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unknown';
    appendAudit(store, { actor, action: AUDIT_ACTIONS.loginFailed, objectType: 'user', objectId: before?.id ?? null, detail: { code, knownUser: before !== undefined } });
    const wasLocked = before?.locked_until != null && before.locked_until > Date.now();
    if (code === 'GONGCHE_ERR_ACCOUNT_LOCKED' && before && !wasLocked) {
      const after = store.sqlite.prepare('SELECT locked_until FROM users WHERE id = ?').get(before.id) as { locked_until: number | null };
      appendAudit(store, { actor, action: AUDIT_ACTIONS.accountLocked, objectType: 'user', objectId: before.id, detail: { lockedUntil: after.locked_until } });
    }
    throw error;
  }
  appendAudit(store, { actor: { ...actor, userId: row.id, role: row.role }, action: AUDIT_ACTIONS.login, objectType: 'user', objectId: row.id });
  return row;
}
