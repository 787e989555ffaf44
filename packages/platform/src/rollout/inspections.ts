import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { getBatch, dateSchema, endOfBeijingDay } from './batches.ts';
import { installationRows, saveBulletin, type Bulletin } from './bulletins.ts';
import { getRolloutSettings, type RolloutSettings } from './settings.ts';
import { ruleCatalogue, ruleCodes } from '../rules/rule-codes.ts';

export const inspectionInput = z
  .object({ batchId: z.number().int().positive(), from: dateSchema, to: dateSchema, title: z.string().trim().min(4).max(80).optional() })
  .refine((input) => input.from <= input.to, { message: 'from must not be after to', path: ['to'] });

/** One unit's inspection (专项巡检考核) result; each part scores 0..100 and `score` is their weighted mean. */
export interface InspectionRow {
  unitId: number;
  unitName: string;
  coverage: number | null;
  onlineRate: number | null;
  /**
   * Installed vehicles with signs of removal or shielding: a device integrity alert in the period
   * that was not dismissed, or a terminal not heard from within the onlineWindowHours setting.
   */
  tamperAlerts: number;
  /** Alerts of the period still waiting for the unit: pending (not explained) or confirmed (not rectified). */
  unansweredAlerts: number;
  /** Alerts (negative list and device integrity) that started in the period. */
  alertsInPeriod: number;
  score: number;
}

/** Device integrity rules: those of no negative-list item. */
const integrityRules = ruleCodes.filter((code) => ruleCatalogue[code].item === null);
/** Review states in which an alert waits for the unit's explanation or rectification. */
const waitingForUnit = ['pending', 'confirmed'];

async function periodAlerts(db: Kysely<Database>, vehicleIds: number[], from: number, to: number) {
  if (vehicleIds.length === 0) return [];
  // Withdrawn alerts are findings that a rules replay no longer supports: they do not count.
  return db.selectFrom('alerts').select(['vehicle_id', 'rule', 'state']).where('vehicle_id', 'in', vehicleIds).where('start_at', '>=', from).where('start_at', '<=', to).where('withdrawn_at', 'is', null).execute();
}

async function offlineVehicles(db: Kysely<Database>, vehicleIds: number[], since: number): Promise<number[]> {
  if (vehicleIds.length === 0) return [];
  const rows = await db.selectFrom('terminals').select(['vehicle_id', 'last_seen_at']).where('vehicle_id', 'in', vehicleIds).execute();
  return rows.filter((row) => row.last_seen_at === null || row.last_seen_at < since).map((row) => row.vehicle_id!);
}

/** Counts a unit's alerts of the period and its vehicles with signs of tampering. */
async function unitAlertCounts(db: Kysely<Database>, vehicleIds: number[], from: number, to: number, onlineSince: number) {
  const alerts = await periodAlerts(db, vehicleIds, from, to);
  const tampered = new Set(await offlineVehicles(db, vehicleIds, onlineSince));
  for (const alert of alerts) {
    if ((integrityRules as string[]).includes(alert.rule) && alert.state !== 'dismissed') tampered.add(alert.vehicle_id);
  }
  return { total: alerts.length, unanswered: alerts.filter((alert) => waitingForUnit.includes(alert.state)).length, tampered: tampered.size };
}

/** Weighted mean of the parts; a part without data (no vehicle to equip, nothing installed) scores 0. */
export function inspectionScore(parts: { coverage: number | null; onlineRate: number | null; tamperAlerts: number; unansweredAlerts: number; installed: number; alertsInPeriod: number }, weights: RolloutSettings['inspectionWeights']): number {
  const tamperPart = parts.installed === 0 ? 0 : 100 * (1 - parts.tamperAlerts / parts.installed);
  const unansweredPart = parts.alertsInPeriod === 0 ? 100 : 100 * (1 - parts.unansweredAlerts / parts.alertsInPeriod);
  const sum = weights.coverage + weights.onlineRate + weights.tamperAlerts + weights.unansweredAlerts;
  if (sum === 0) return 0;
  const total = weights.coverage * 100 * (parts.coverage ?? 0) + weights.onlineRate * 100 * (parts.onlineRate ?? 0) + weights.tamperAlerts * tamperPart + weights.unansweredAlerts * unansweredPart;
  return Math.round((total / sum) * 10) / 10;
}

/** Scores every unit of a batch for a period from the current data. */
export async function inspectionRows(db: Kysely<Database>, batchId: number, from: string, to: string, now = Date.now()): Promise<InspectionRow[]> {
  const settings = await getRolloutSettings(db);
  const fromMs = Date.parse(`${from}T00:00:00+08:00`);
  const toMs = endOfBeijingDay(to);
  const rows: InspectionRow[] = [];
  for (const row of await installationRows(db, batchId, now)) {
    const installed = await db.selectFrom('rollout_work_orders').select('vehicle_id').where('unit_id', '=', row.unitId).where('batch_id', '=', batchId).where('state', '=', 'completed').execute();
    const vehicleIds = installed.map((r) => r.vehicle_id);
    const alerts = await unitAlertCounts(db, vehicleIds, fromMs, toMs, now - settings.onlineWindowHours * 3600_000);
    const coverage = row.shouldEquip === 0 ? null : row.installed / row.shouldEquip;
    const parts = { coverage, onlineRate: row.onlineRate, tamperAlerts: alerts.tampered, unansweredAlerts: alerts.unanswered, installed: vehicleIds.length, alertsInPeriod: alerts.total };
    rows.push({
      unitId: row.unitId,
      unitName: row.unitName,
      coverage,
      onlineRate: row.onlineRate,
      tamperAlerts: alerts.tampered,
      unansweredAlerts: alerts.unanswered,
      alertsInPeriod: alerts.total,
      score: inspectionScore(parts, settings.inspectionWeights),
    });
  }
  return rows.sort((a, b) => b.score - a.score);
}

/** Runs an inspection of a batch for a period and publishes it as a bulletin. */
export async function publishInspection(db: Kysely<Database>, input: z.infer<typeof inspectionInput>, userId: number | null, now = Date.now()): Promise<Bulletin> {
  const batch = await getBatch(db, input.batchId);
  const rows = await inspectionRows(db, batch.id, input.from, input.to, now);
  const title = input.title ?? `${batch.name}公务用车智能终端设备专项巡检考核情况通报（${input.from}至${input.to}）`;
  return saveBulletin(db, { kind: 'inspection', batchId: batch.id, title, generatedAt: new Date(now).toISOString(), rows }, userId);
}
