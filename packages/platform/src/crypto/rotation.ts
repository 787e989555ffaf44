import type { Store } from '../store/db.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../audit/log.ts';
import type { DataKey } from './envelope.ts';
import type { Keyring } from './keyring.ts';

/**
 * Creates a new active data key now and records `keys.rotated` in the audit log. The command
 * `gongche keys rotate` and POST /api/security/keys/rotate both rotate through here. Data sealed
 * under the retired key stays readable.
 */
export function rotateDataKey(store: Store, keyring: Keyring, actor: AuditActor): { key: DataKey; previousKeyId: number | null } {
  const previousKeyId = keyring.list().find((key) => key.retiredAt === null)?.id ?? null;
  const key = keyring.rotate();
  appendAudit(store, { actor, action: AUDIT_ACTIONS.keysRotated, objectType: 'data_key', objectId: key.id, detail: { algorithm: key.algorithm, previousKeyId } });
  return { key, previousKeyId };
}
