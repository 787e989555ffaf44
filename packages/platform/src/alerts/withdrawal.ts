import type { Kysely } from 'kysely';
import type { Store } from '../store/db.ts';
import type { Database } from '../store/schema.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../audit/log.ts';
import type { Reinstatement } from './sink.ts';

/** The reason and the settings of the replay that stopped supporting an alert, stored as JSON in alerts.not_reproduced. */
export interface NotReproducedDetail {
  reason: 'replay_not_reproduced';
  /** Digest of the rule settings, templates and vehicle overrides the replay used (src/rules/templates/revision.ts). */
  settingsRevision: string;
  /** The replayed period, ISO 8601. */
  replayFrom: string;
  replayTo: string;
  replayedAt: string;
}

/** A stored alert that a replay did not reproduce. */
export interface NotReproducedAlert {
  id: number;
  key: string;
  rule: string;
  vehicleId: number;
  start: number;
  end: number;
  /** Review state when the replay looked at it. */
  state: string;
}

/** The stored alerts of a period that a replay decides about, with what it needs to decide. */
export interface PeriodAlert extends NotReproducedAlert {
  withdrawn: boolean;
  notReproduced: boolean;
}

/**
 * Reads the alerts of these rules that lie wholly in [from, to): they start at or after from and
 * end before to. An alert reaching past either end may rest on positions outside the period, so
 * a replay of the period alone cannot judge it.
 */
export async function alertsWithinPeriod(db: Kysely<Database>, period: { from: number; to: number; vehicleId?: number | undefined; rules: readonly string[] }): Promise<PeriodAlert[]> {
  if (period.rules.length === 0) return [];
  let query = db
    .selectFrom('alerts')
    .select(['id', 'key', 'rule', 'vehicle_id', 'start_at', 'end_at', 'state', 'withdrawn_at', 'not_reproduced_at'])
    .where('rule', 'in', [...period.rules])
    .where('start_at', '>=', period.from)
    .where('end_at', '<', period.to);
  if (period.vehicleId !== undefined) query = query.where('vehicle_id', '=', period.vehicleId);
  const rows = await query.orderBy('start_at').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    rule: row.rule,
    vehicleId: row.vehicle_id,
    start: row.start_at,
    end: row.end_at,
    state: row.state,
    withdrawn: row.withdrawn_at !== null,
    notReproduced: row.not_reproduced_at !== null,
  }));
}

/** Reads which of these keys are stored, and whether each is withdrawn or flagged. */
export async function storedKeys(db: Kysely<Database>, keys: readonly string[]): Promise<Map<string, { withdrawn: boolean; notReproduced: boolean }>> {
  const found = new Map<string, { withdrawn: boolean; notReproduced: boolean }>();
  // SQLite (3.32 and later) allows at most 32,766 bound parameters per statement, so batches of 500 keys stay far below that limit.
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.selectFrom('alerts').select(['key', 'withdrawn_at', 'not_reproduced_at']).where('key', 'in', keys.slice(i, i + 500)).execute();
    for (const row of rows) found.set(row.key, { withdrawn: row.withdrawn_at !== null, notReproduced: row.not_reproduced_at !== null });
  }
  return found;
}

export type NotReproducedOutcome = 'withdrawn' | 'flagged' | 'already_flagged' | 'already_withdrawn' | 'gone';

interface AlertRowForMark {
  id: number;
  key: string;
  rule: string;
  vehicle_id: number;
  unit_id: number;
  state: string;
  withdrawn_at: number | null;
  not_reproduced_at: number | null;
}

/**
 * Marks an alert that a replay did not reproduce. A pending alert is withdrawn: it keeps its
 * evidence, attachments and history, leaves the default lists and takes no review step. An alert
 * that people have explained, confirmed, dismissed or rectified keeps its state and is flagged for
 * the reviewer instead. Each new withdrawal or flag is written to the audit log in the same
 * transaction. The transaction takes the write lock before it reads the alert, so a review step
 * that the running platform records meanwhile either comes first (and the alert is flagged) or
 * waits, and then finds the alert withdrawn.
 */
export function markNotReproduced(store: Store, alertId: number, detail: NotReproducedDetail, actor: AuditActor, now: number): NotReproducedOutcome {
  const { sqlite } = store;
  const mark = sqlite.transaction((): NotReproducedOutcome => {
    const alert = sqlite.prepare('SELECT id, key, rule, vehicle_id, unit_id, state, withdrawn_at, not_reproduced_at FROM alerts WHERE id = ?').get(alertId) as AlertRowForMark | undefined;
    if (!alert) return 'gone';
    if (alert.withdrawn_at !== null) return 'already_withdrawn';
    const json = JSON.stringify(detail);
    const auditDetail = { ...detail, rule: alert.rule, key: alert.key, vehicleId: alert.vehicle_id, unitId: alert.unit_id, state: alert.state };

    if (alert.state === 'pending') {
      sqlite.prepare('UPDATE alerts SET withdrawn_at = ?, not_reproduced_at = ?, not_reproduced = ?, updated_at = ? WHERE id = ?').run(now, now, json, now, alert.id);
      appendAudit(store, { actor, action: AUDIT_ACTIONS.alertWithdrawn, objectType: 'alert', objectId: alert.id, detail: auditDetail });
      return 'withdrawn';
    }
    if (alert.not_reproduced_at !== null) {
      // Already flagged: keep the first time, record the latest replay.
      sqlite.prepare('UPDATE alerts SET not_reproduced = ? WHERE id = ?').run(json, alert.id);
      return 'already_flagged';
    }
    sqlite.prepare('UPDATE alerts SET not_reproduced_at = ?, not_reproduced = ?, updated_at = ? WHERE id = ?').run(now, json, now, alert.id);
    appendAudit(store, { actor, action: AUDIT_ACTIONS.alertNotReproduced, objectType: 'alert', objectId: alert.id, detail: auditDetail });
    return 'flagged';
  });
  return mark.immediate();
}

/** Writes the audit entry of an alert that an evaluation reproduced after a replay had withdrawn or flagged it. */
export function auditReinstatement(store: Store, alert: { id: number; rule: string; key: string; vehicleId: number }, from: Reinstatement, actor: AuditActor): void {
  appendAudit(store, { actor, action: AUDIT_ACTIONS.alertReinstated, objectType: 'alert', objectId: alert.id, detail: { reinstatedFrom: from, rule: alert.rule, key: alert.key, vehicleId: alert.vehicleId } });
}
