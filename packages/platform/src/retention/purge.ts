import type { Store } from '../store/db.ts';
import { minAuditRetentionDays, type RetentionSettings } from '../config.ts';
import { invalid } from '../errors.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../audit/log.ts';
import { loadAlertEvidenceHold, type AlertEvidenceHold } from '../alerts/retention.ts';

const dayMs = 86_400_000;
/** Positions this long before an emergency alarm started are kept with it, as context for the evidence. */
export const alarmEvidenceMarginMs = 30 * 60_000;
/** Rows looked at per batch; each batch is one short write transaction. */
const batchSize = 1000;
/** Pause between batches, so the ingest writer's commits are not held up. */
const pauseMs = 5;

export interface PurgeResult {
  dryRun: boolean;
  positionsCutoff: string;
  rawFramesCutoff: string;
  positionsDeleted: number;
  rawFramesDeleted: number;
  /** Expired positions kept because they fall inside an open or acknowledged emergency alarm's span. */
  positionsKeptForAlarms: number;
  /** Expired positions kept because they lie in the evidence range of an alert under review or confirmed. */
  positionsKeptForAlerts: number;
  /** Expired raw frames kept because a kept position still refers to them. */
  rawFramesKeptForPositions: number;
  /** Expired raw frames kept because an alert under review or confirmed names them as evidence. */
  rawFramesKeptForAlerts: number;
  /** Sequence number of the retention.purged audit entry; null on a dry run. */
  auditSeq: number | null;
}

/** Throws a validation error naming the bad setting; audit retention may not go below six months. */
export function checkRetentionSettings(settings: RetentionSettings): void {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) throw invalid(`Retention setting ${name} must be a whole number of days ≥ 1, got ${value}`, value);
  }
  if (settings.auditRetentionDays < minAuditRetentionDays) {
    throw invalid(
      `auditRetentionDays must be at least ${minAuditRetentionDays} (the Cybersecurity Law keeps network logs six months), got ${settings.auditRetentionDays}`,
      settings.auditRetentionDays,
    );
  }
}

/** Per terminal, the earliest receipt time that an open or acknowledged emergency alarm protects. */
function protectedSince(store: Store): Map<number, number> {
  const rows = store.sqlite
    .prepare("SELECT terminal_id, min(started_at) AS since FROM emergency_alarms WHERE state IN ('open', 'acknowledged') GROUP BY terminal_id")
    .all() as { terminal_id: number; since: number }[];
  return new Map(rows.map((r) => [r.terminal_id, r.since - alarmEvidenceMarginMs]));
}

const pause = () => new Promise((resolve) => setTimeout(resolve, pauseMs));

/**
 * Deletes positions and raw frames older than their retention, oldest first, in short batches.
 * Rows are scanned in id order, which follows receipt order; the scan stops at the first batch
 * without an expired row.
 */
async function purgePositions(store: Store, cutoff: number, dryRun: boolean, keeps: KeepTest) {
  const select = store.sqlite.prepare('SELECT id, terminal_id, vehicle_id, device_time, received_at FROM positions WHERE id > ? ORDER BY id LIMIT ?');
  const remove = store.sqlite.prepare('DELETE FROM positions WHERE id = ?');
  let after = 0;
  let deleted = 0;
  let keptForAlarms = 0;
  let keptForAlerts = 0;
  for (;;) {
    const rows = select.all(after, batchSize) as PositionRow[];
    const expired = rows.filter((r) => r.received_at < cutoff);
    if (expired.length === 0) break;
    const doomed: PositionRow[] = [];
    for (const row of expired) {
      const reason = keeps(row);
      if (reason === 'alarm') keptForAlarms++;
      else if (reason === 'alert') keptForAlerts++;
      else doomed.push(row);
    }
    if (!dryRun) store.sqlite.transaction(() => doomed.forEach((r) => remove.run(r.id))).immediate();
    deleted += doomed.length;
    after = rows.at(-1)!.id;
    await pause();
  }
  return { deleted, keptForAlarms, keptForAlerts };
}

interface PositionRow {
  id: number;
  terminal_id: number;
  vehicle_id: number | null;
  device_time: number | null;
  received_at: number;
}

/** Why a position stays after the purge: young enough, inside a protected alarm span, or alert evidence; null when it goes. */
type KeepTest = (row: Omit<PositionRow, 'id'>) => 'young' | 'alarm' | 'alert' | null;

function keepTest(protect: Map<number, number>, alerts: AlertEvidenceHold, cutoff: number): KeepTest {
  return (r) => {
    if (r.received_at >= cutoff) return 'young';
    if (r.received_at >= (protect.get(r.terminal_id) ?? Infinity)) return 'alarm';
    if (alerts.holdsPosition(r.vehicle_id, r.device_time)) return 'alert';
    return null;
  };
}

async function purgeRawFrames(store: Store, cutoff: number, dryRun: boolean, keeps: KeepTest, alerts: AlertEvidenceHold) {
  const select = store.sqlite.prepare('SELECT id, received_at FROM raw_frames WHERE id > ? ORDER BY id LIMIT ?');
  const referrers = store.sqlite.prepare('SELECT terminal_id, vehicle_id, device_time, received_at FROM positions WHERE raw_frame_id = ?');
  const remove = store.sqlite.prepare('DELETE FROM raw_frames WHERE id = ?');
  // After a real purge every remaining position is kept; a dry run deleted nothing, so it asks keeps().
  const inUse = (id: number) => (referrers.all(id) as Omit<PositionRow, 'id'>[]).some((r) => !dryRun || keeps(r) !== null);
  let after = 0;
  let deleted = 0;
  let keptForPositions = 0;
  let keptForAlerts = 0;
  for (;;) {
    const rows = select.all(after, batchSize) as { id: number; received_at: number }[];
    const expired = rows.filter((r) => r.received_at < cutoff);
    if (expired.length === 0) break;
    const doomed: { id: number }[] = [];
    for (const row of expired) {
      if (inUse(row.id)) keptForPositions++;
      else if (alerts.holdsFrame(row.id)) keptForAlerts++;
      else doomed.push(row);
    }
    if (!dryRun) store.sqlite.transaction(() => doomed.forEach((r) => remove.run(r.id))).immediate();
    deleted += doomed.length;
    after = rows.at(-1)!.id;
    await pause();
  }
  return { deleted, keptForPositions, keptForAlerts };
}

/**
 * Purges expired positions, then raw frames no kept position refers to, and records one
 * retention.purged audit entry with the counts. A dry run counts without deleting or recording.
 * Audit entries are never purged.
 */
export async function purgeExpired(
  store: Store,
  settings: RetentionSettings,
  now: number = Date.now(),
  options: { dryRun?: boolean; actor?: AuditActor } = {},
): Promise<PurgeResult> {
  checkRetentionSettings(settings);
  const dryRun = options.dryRun ?? false;
  const positionsCutoff = now - settings.positionsRetentionDays * dayMs;
  const rawFramesCutoff = now - settings.rawFramesRetentionDays * dayMs;
  const alerts = loadAlertEvidenceHold(store);
  const keeps = keepTest(protectedSince(store), alerts, positionsCutoff);
  const positions = await purgePositions(store, positionsCutoff, dryRun, keeps);
  const frames = await purgeRawFrames(store, rawFramesCutoff, dryRun, keeps, alerts);
  const result: PurgeResult = {
    dryRun,
    positionsCutoff: new Date(positionsCutoff).toISOString(),
    rawFramesCutoff: new Date(rawFramesCutoff).toISOString(),
    positionsDeleted: positions.deleted,
    rawFramesDeleted: frames.deleted,
    positionsKeptForAlarms: positions.keptForAlarms,
    positionsKeptForAlerts: positions.keptForAlerts,
    rawFramesKeptForPositions: frames.keptForPositions,
    rawFramesKeptForAlerts: frames.keptForAlerts,
    auditSeq: null,
  };
  if (dryRun) return result;
  const { positionsDeleted, rawFramesDeleted, positionsKeptForAlarms, positionsKeptForAlerts, rawFramesKeptForPositions, rawFramesKeptForAlerts } = result;
  const detail = {
    positionsCutoff: result.positionsCutoff,
    rawFramesCutoff: result.rawFramesCutoff,
    positionsDeleted,
    rawFramesDeleted,
    positionsKeptForAlarms,
    positionsKeptForAlerts,
    rawFramesKeptForPositions,
    rawFramesKeptForAlerts,
    settings,
  };
  result.auditSeq = appendAudit(store, { actor: options.actor ?? 'system', action: AUDIT_ACTIONS.retentionPurged, objectType: 'retention', detail });
  return result;
}
