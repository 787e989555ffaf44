import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { getBatch, dateSchema, endOfBeijingDay } from './batches.ts';
import { installationRows, saveBulletin, type Bulletin } from './bulletins.ts';
import { getRolloutSettings, type RolloutSettings } from './settings.ts';

export const inspectionInput = z
  .object({ batchId: z.number().int().positive(), from: dateSchema, to: dateSchema, title: z.string().trim().min(4).max(80).optional() })
  .refine((input) => input.from <= input.to, { message: 'from must not be after to', path: ['to'] });

/** One unit's inspection (专项巡检考核) result; each part scores 0..100 and `score` is their weighted mean. */
export interface InspectionRow {
  unitId: number;
  unitName: string;
  coverage: number | null;
  onlineRate: number | null;
  /** Installed terminals not heard from within the onlineWindowHours setting: possible removal or shielding. */
  tamperAlerts: number;
  /** Emergency alarms raised in the period and still open (not acknowledged). */
  unansweredAlerts: number;
  alarmsInPeriod: number;
  score: number;
}

async function alarmCounts(db: Kysely<Database>, vehicleIds: number[], from: number, to: number) {
  if (vehicleIds.length === 0) return { total: 0, open: 0 };
  // TODO: count the tamper and negative-list alerts of the detection engine here once its alerts table exists; emergency alarms stand in until then.
  const rows = await db.selectFrom('emergency_alarms').select('state').where('vehicle_id', 'in', vehicleIds).where('started_at', '>=', from).where('started_at', '<=', to).execute();
  return { total: rows.length, open: rows.filter((row) => row.state === 'open').length };
}

async function offlineTerminals(db: Kysely<Database>, vehicleIds: number[], since: number): Promise<number> {
  if (vehicleIds.length === 0) return 0;
  const rows = await db.selectFrom('terminals').select('last_seen_at').where('vehicle_id', 'in', vehicleIds).execute();
  return rows.filter((row) => row.last_seen_at === null || row.last_seen_at < since).length;
}

/** Weighted mean of the parts; a part without data (no vehicle to equip, nothing installed) scores 0. */
export function inspectionScore(parts: { coverage: number | null; onlineRate: number | null; tamperAlerts: number; unansweredAlerts: number; installed: number; alarms: number }, weights: RolloutSettings['inspectionWeights']): number {
  const tamperPart = parts.installed === 0 ? 0 : 100 * (1 - parts.tamperAlerts / parts.installed);
  const unansweredPart = parts.alarms === 0 ? 100 : 100 * (1 - parts.unansweredAlerts / parts.alarms);
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
    const alarms = await alarmCounts(db, vehicleIds, fromMs, toMs);
    const tamperAlerts = await offlineTerminals(db, vehicleIds, now - settings.onlineWindowHours * 3600_000);
    const coverage = row.shouldEquip === 0 ? null : row.installed / row.shouldEquip;
    const parts = { coverage, onlineRate: row.onlineRate, tamperAlerts, unansweredAlerts: alarms.open, installed: vehicleIds.length, alarms: alarms.total };
    rows.push({ unitId: row.unitId, unitName: row.unitName, coverage, onlineRate: row.onlineRate, tamperAlerts, unansweredAlerts: alarms.open, alarmsInPeriod: alarms.total, score: inspectionScore(parts, settings.inspectionWeights) });
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
