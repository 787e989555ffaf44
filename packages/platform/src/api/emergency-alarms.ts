import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export const alarmStates = ['open', 'acknowledged', 'cleared'] as const;

export interface EmergencyAlarm {
  id: number;
  terminalId: number;
  vehicleId: number | null;
  plate: string | null;
  unitId: number | null;
  alarmSerial: number;
  startedAt: string;
  lastReportAt: string;
  state: string;
  acknowledgedBy: number | null;
  acknowledgedAt: string | null;
  confirmationSentAt: string | null;
  clearedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function alarmQuery(db: Kysely<Database>) {
  return db
    .selectFrom('emergency_alarms as a')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .selectAll('a')
    .select(['v.plate', 'v.unit_id']);
}

type AlarmRow = Awaited<ReturnType<ReturnType<typeof alarmQuery>['execute']>>[number];

function toAlarm(row: AlarmRow): EmergencyAlarm {
  return {
    id: row.id,
    terminalId: row.terminal_id,
    vehicleId: row.vehicle_id,
    plate: row.plate,
    unitId: row.unit_id,
    alarmSerial: row.alarm_serial,
    startedAt: iso(row.started_at)!,
    lastReportAt: iso(row.last_report_at)!,
    state: row.state,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: iso(row.acknowledged_at),
    confirmationSentAt: iso(row.confirmation_sent_at),
    clearedAt: iso(row.cleared_at),
  };
}

/** Lists emergency alarms, newest first, optionally of one state and of the vehicles of some units (the user's scope). */
export async function listAlarms(db: Kysely<Database>, filter: { state?: string | undefined; unitIds?: readonly number[] | undefined }, limit: number): Promise<EmergencyAlarm[]> {
  let query = alarmQuery(db).orderBy('a.started_at', 'desc').orderBy('a.id', 'desc').limit(limit);
  if (filter.state !== undefined) query = query.where('a.state', '=', filter.state);
  if (filter.unitIds !== undefined) query = query.where('v.unit_id', 'in', filter.unitIds.length > 0 ? [...filter.unitIds] : [-1]);
  return (await query.execute()).map(toAlarm);
}

export async function findAlarm(db: Kysely<Database>, id: number): Promise<EmergencyAlarm | undefined> {
  const row = await alarmQuery(db).where('a.id', '=', id).executeTakeFirst();
  return row && toAlarm(row);
}

/** Moves an open alarm to acknowledged; returns false when it was no longer open (someone else was first). */
export async function markAcknowledged(db: Kysely<Database>, id: number, userId: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('emergency_alarms')
    .set({ state: 'acknowledged', acknowledged_by: userId, acknowledged_at: now })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markConfirmationSent(db: Kysely<Database>, id: number, now: number): Promise<void> {
  await db.updateTable('emergency_alarms').set({ confirmation_sent_at: now }).where('id', '=', id).execute();
}
