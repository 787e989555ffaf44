import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import type { Detector, RuleVehicle } from '../engine/types.ts';
import { loadRuleSettings } from '../templates/settings.ts';
import { loadTemplateSet, resolveRules } from '../templates/resolve.ts';
import { neverOnlineCheck, type NeverOnlineSettings } from './never-online.ts';
import { offlineCheck, type OfflineSettings } from './offline.ts';
import { swapCheck } from './swap-check.ts';
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

const checks = [swapCheck, neverOnlineCheck, offlineCheck] as unknown as Detector<unknown, unknown>[];

/**
 * Reads the rule settings (time zone, working hours) and the templates with their vehicle
 * overrides. The sweep checks of a vehicle resolve the way the engine resolves its detectors, so a
 * template may switch a check off or override its settings.
 */
export async function loadSweepRules(db: Kysely<Database>, logger: Logger): Promise<SweepRules> {
  const [settings, templates] = await Promise.all([loadRuleSettings(db), loadTemplateSet(db)]);
  return {
    timeZone: settings.timeZone,
    resolve(vehicle) {
      const resolved = resolveRules(templates, vehicle, checks, settings, logger);
      const settingsOf = (code: string) => resolved.detectors.find((entry) => entry.detector.code === code)?.settings ?? null;
      return {
        neverOnline: settingsOf(neverOnlineCheck.code) as NeverOnlineSettings | null,
        offline: settingsOf(offlineCheck.code) as OfflineSettings | null,
        swap: settingsOf(swapCheck.code) !== null,
        workingHours: resolved.workingHours,
      };
    },
  };
}
