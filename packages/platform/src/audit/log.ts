import type { Store } from '../store/db.ts';
import { canonicalJson, entryDigest, GENESIS_DIGEST, type AuditDigestFields } from './digest.ts';

/** Who did it: a user (with the request's IP address as `address`) or the platform itself. */
export type AuditActor = { userId: number | null; username: string; role?: string | null; address?: string | null } | 'system';

export interface AuditEntryInput {
  actor: AuditActor;
  action: string;
  objectType?: string;
  objectId?: string | number | null;
  detail?: Record<string, unknown>;
}

/** Every action name written to the audit log. Reuse these names; add new ones here. */
export const AUDIT_ACTIONS = {
  login: 'auth.login',
  loginFailed: 'auth.login_failed',
  accountLocked: 'auth.account_locked',
  logout: 'auth.logout',
  passwordChanged: 'auth.password_changed',
  userCreated: 'user.created',
  userUpdated: 'user.updated',
  userPasswordReset: 'user.password_reset',
  unitCreated: 'unit.created',
  unitUpdated: 'unit.updated',
  vehicleCreated: 'vehicle.created',
  vehicleUpdated: 'vehicle.updated',
  terminalCreated: 'terminal.created',
  terminalUpdated: 'terminal.updated',
  registryImported: 'registry.imported',
  positionsRead: 'positions.read',
  alarmAcknowledged: 'alarm.acknowledged',
  keysRotated: 'keys.rotated',
  keysRewrapped: 'keys.rewrapped',
  settingsChanged: 'settings.changed',
  retentionPurged: 'retention.purged',
  auditVerified: 'audit.verified',
  auditCheckpointsExported: 'audit.checkpoints_exported',
  batchCreated: 'batch.created',
  batchUpdated: 'batch.updated',
  batchOverrideSet: 'batch.override_set',
  batchOverrideRemoved: 'batch.override_removed',
  rolloutSettingsChanged: 'rollout.settings_changed',
  formCreated: 'form.created',
  formUpdated: 'form.updated',
  formImported: 'form.imported',
  formSubmitted: 'form.submitted',
  reviewRecorded: 'review.recorded',
  letterIssued: 'letter.issued',
  contractRecorded: 'contract.recorded',
  workOrderCreated: 'work_order.created',
  workOrderTerminalBound: 'work_order.terminal_bound',
  workOrderCompleted: 'work_order.completed',
  acceptanceSigned: 'acceptance.signed',
  bulletinPublished: 'bulletin.published',
  inspectionPublished: 'inspection.published',
  securityTestRecorded: 'security_test.recorded',
  accessDenied: 'access.denied',
  totpEnabled: 'auth.totp_enabled',
  totpReset: 'user.totp_reset',
  loginRateLimited: 'auth.login_rate_limited',
  leadershipPositionsViewed: 'leadership.positions_viewed',
  exchangeExported: 'exchange.exported',
  exchangeImported: 'exchange.imported',
  exchangeImportRejected: 'exchange.import_rejected',
  placeCreated: 'place.created',
  placeUpdated: 'place.updated',
  placeDeleted: 'place.deleted',
  placesImported: 'places.imported',
  tripOrderCreated: 'trip_order.created',
  tripOrderApproved: 'trip_order.approved',
  tripOrderRejected: 'trip_order.rejected',
  tripOrderCancelled: 'trip_order.cancelled',
  tripOrdersImported: 'trip_orders.imported',
  driverCreated: 'driver.created',
  driverUpdated: 'driver.updated',
  driverDeleted: 'driver.deleted',
  dutyRosterRequested: 'duty_roster.requested',
  dutyRosterApproved: 'duty_roster.approved',
  dutyRosterRejected: 'duty_roster.rejected',
  dutyRosterDeleted: 'duty_roster.deleted',
  calendarDaySet: 'calendar.day_set',
  calendarDayDeleted: 'calendar.day_deleted',
  calendarYearImported: 'calendar.year_imported',
  alertExplained: 'alert.explained',
  alertConfirmed: 'alert.confirmed',
  alertDismissed: 'alert.dismissed',
  alertRectified: 'alert.rectified',
  alertAttachmentUploaded: 'alert.attachment_uploaded',
  alertAttachmentRead: 'alert.attachment_read',
  alertEvidenceRead: 'alert.evidence_read',
  alertWithdrawn: 'alert.withdrawn',
  alertNotReproduced: 'alert.not_reproduced',
  alertReinstated: 'alert.reinstated',
  rulesReplayed: 'rules.replayed',
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];

/** Username recorded for entries written by the platform itself (purge jobs, start-up). */
export const SYSTEM_ACTOR = 'system';

const actionPattern = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** One row of audit_log as stored. */
export type AuditRow = AuditDigestFields & { digest: string };

/**
 * Appends one entry synchronously (better-sqlite3, inside its own transaction unless already
 * in one) and returns its sequence number. The last digest is read and the new row written
 * under the write lock, so two appends can never chain onto the same predecessor, even from
 * two processes sharing the file.
 */
export function appendAudit(store: Store, entry: AuditEntryInput): number {
  if (!actionPattern.test(entry.action)) throw new Error(`Audit action must be dotted lowercase, got ${JSON.stringify(entry.action)}`);
  const write = () => insertEntry(store, entry, Date.now());
  if (store.sqlite.inTransaction) return write();
  return store.sqlite.transaction(write).immediate();
}

function insertEntry(store: Store, entry: AuditEntryInput, at: number): number {
  const last = store.sqlite.prepare('SELECT seq, digest FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; digest: string } | undefined;
  const actor = entry.actor === 'system' ? { userId: null, username: SYSTEM_ACTOR, role: null, address: null } : entry.actor;
  const fields: AuditDigestFields = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor_user_id: actor.userId,
    actor_username: actor.username,
    actor_role: actor.role ?? null,
    actor_address: actor.address ?? null,
    action: entry.action,
    object_type: entry.objectType ?? null,
    object_id: entry.objectId === undefined || entry.objectId === null ? null : String(entry.objectId),
    detail: canonicalJson(entry.detail ?? {}),
    prev_digest: last?.digest ?? GENESIS_DIGEST,
  };
  store.sqlite
    .prepare(
      `INSERT INTO audit_log (seq, at, actor_user_id, actor_username, actor_role, actor_address, action, object_type, object_id, detail, prev_digest, digest)
       VALUES (@seq, @at, @actor_user_id, @actor_username, @actor_role, @actor_address, @action, @object_type, @object_id, @detail, @prev_digest, @digest)`,
    )
    .run({ ...fields, digest: entryDigest(fields) });
  return fields.seq;
}
