import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import type { RuleVehicle } from '../engine/types.ts';
import { defaultCalendarTimeZone } from '../calendar.ts';
import { neverOnlineCheck, type NeverOnlineSettings } from './never-online.ts';
import { offlineCheck, type OfflineSettings } from './offline.ts';
import type { MinuteWindow } from './working-time.ts';

/** The sweep checks' settings for one vehicle; null means the check is switched off for it. */
export interface VehicleSweepRules {
  neverOnline: NeverOnlineSettings | null;
  offline: OfflineSettings | null;
  swap: boolean;
  /** Working hours the offline check counts in, minutes after local midnight. */
  workingHours: MinuteWindow[];
}

export interface SweepRules {
  timeZone: string;
  resolve(vehicle: Pick<RuleVehicle, 'id' | 'unitId' | 'usageNature'>): VehicleSweepRules;
}

/** Working hours of Xinjiang's offices in Beijing time: 10:00-14:00 and 16:00-20:00. */
export const defaultWorkingHours: readonly MinuteWindow[] = [
  { start: 10 * 60, end: 14 * 60 },
  { start: 16 * 60, end: 20 * 60 },
];

/**
 * Reads the settings the sweep applies to each vehicle.
 * TODO: read the rule settings (time zone, working hours) and the templates with their vehicle
 * overrides once they are stored. Until then every vehicle gets the checks' defaults.
 */
export async function loadSweepRules(_db: Kysely<Database>, _logger: Logger): Promise<SweepRules> {
  const rules: VehicleSweepRules = {
    neverOnline: neverOnlineCheck.defaults,
    offline: offlineCheck.defaults,
    swap: true,
    workingHours: [...defaultWorkingHours],
  };
  return { timeZone: defaultCalendarTimeZone, resolve: () => rules };
}
