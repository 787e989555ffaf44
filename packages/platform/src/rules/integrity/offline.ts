import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../store/schema.ts';
import type { AlertDraft } from '../engine/types.ts';
import type { CalendarTable } from '../calendar.ts';
import { integrityDraft, seconds } from './drafts.ts';
import { numberSetting, parseSettingsWith } from './settings.ts';
import type { SweepCheck } from './sweep-check.ts';
import { workingOverlap, type MinuteWindow } from './working-time.ts';

const code = 'device_offline';

/** The smallest threshold any setting may ask for; terminals offline for less are not even looked at. */
export const minOfflineFloorS = 600;

const schema = z
  .object({
    /** Offline time that falls in working hours of working days (seconds) before the terminal is reported; 4 hours is half a working day. */
    minOfflineWorkingS: numberSetting(14_400, minOfflineFloorS, 30 * 86_400, true),
  })
  .strict();

export type OfflineSettings = z.infer<typeof schema>;

export const offlineCheck: SweepCheck<OfflineSettings> = {
  code,
  defaults: schema.parse({}),
  parseSettings: (input) => parseSettingsWith(code, schema, input),
};

/** A bound terminal that has been silent for at least the floor threshold. */
export interface OfflineCandidate {
  terminalId: number;
  phone: string;
  vehicleId: number;
  unitId: number;
  plate: string;
  usageNature: string | null;
  lastSeenAt: number;
  lastRemoteAddress: string | null;
}

/** Lists bound terminals of vehicles in service whose last frame is older than the floor threshold; terminals never seen are left to the never-online check. */
export async function findOffline(db: Kysely<Database>, now: number): Promise<OfflineCandidate[]> {
  const rows = await db
    .selectFrom('terminals as t')
    .innerJoin('vehicles as v', 'v.id', 't.vehicle_id')
    .select(['t.id', 't.phone', 't.vehicle_id', 't.last_seen_at', 't.last_remote_address', 'v.unit_id', 'v.plate', 'v.usage_nature'])
    .where('v.status', '!=', 'disposed')
    .where('t.last_seen_at', 'is not', null)
    .where('t.last_seen_at', '<', now - minOfflineFloorS * 1000)
    .execute();
  return rows.map((row) => ({
    terminalId: row.id,
    phone: row.phone,
    vehicleId: row.vehicle_id!,
    unitId: row.unit_id,
    plate: row.plate,
    usageNature: row.usage_nature,
    lastSeenAt: row.last_seen_at!,
    lastRemoteAddress: row.last_remote_address,
  }));
}

/** Reads the last stored position of a vehicle before a time, as evidence of where the terminal went silent. */
export async function lastPositionBefore(db: Kysely<Database>, vehicleId: number, before: number) {
  return db
    .selectFrom('positions')
    .select(['id', 'raw_frame_id', 'device_time'])
    .where('vehicle_id', '=', vehicleId)
    .where('device_time', '<=', before)
    .orderBy('device_time', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Returns the alert draft when the terminal's silence covers at least minOfflineWorkingS of
 * working time, or null. Only working hours of working days count, so a terminal that sleeps
 * over a weekend or a holiday is not reported, and an adjusted working Sunday counts.
 * One alert covers one silence: its key is the last-seen time, and each sweep extends it.
 */
export function judgeOffline(
  candidate: OfflineCandidate,
  now: number,
  calendar: CalendarTable,
  workingHours: readonly MinuteWindow[],
  settings: OfflineSettings,
): AlertDraft | null {
  const overlap = workingOverlap(candidate.lastSeenAt, now, calendar, workingHours);
  if (overlap.workingMs < settings.minOfflineWorkingS * 1000) return null;
  return integrityDraft({
    code,
    vehicleId: candidate.vehicleId,
    unitId: candidate.unitId,
    subject: `${candidate.terminalId}:${candidate.lastSeenAt}`,
    start: candidate.lastSeenAt,
    end: now,
    severity: 'medium',
    facts: {
      phone: candidate.phone,
      lastSeenAt: new Date(candidate.lastSeenAt).toISOString(),
      lastRemoteAddress: candidate.lastRemoteAddress,
      offlineS: seconds(candidate.lastSeenAt, now),
      offlineWorkingS: Math.round(overlap.workingMs / 1000),
      workingDays: overlap.workingDays,
      calendarMissing: overlap.calendarMissing,
      minOfflineWorkingS: settings.minOfflineWorkingS,
    },
  });
}
