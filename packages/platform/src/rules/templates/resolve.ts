import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import type { Detector, RuleVehicle } from '../engine/types.ts';
import type { RuleCode } from '../rule-codes.ts';
import type { RuleSettings } from './settings.ts';
import type { TemplateContent } from './content.ts';
import { windowMinutes } from './time-window.ts';
import { mergeDetectorSettings } from './tables.ts';

export interface StoredTemplate {
  id: number;
  name: string;
  usageNature: string | null;
  unitId: number | null;
  description: string;
  content: TemplateContent;
}

/** A vehicle's own template and overrides. */
export interface VehicleAssignment {
  templateId: number | null;
  overrides: TemplateContent;
}

/** Every template and vehicle assignment, as the engine keeps them in memory. */
export interface TemplateSet {
  templates: StoredTemplate[];
  assignments: Map<number, VehicleAssignment>;
}

export interface ResolvedDetector {
  detector: Detector<unknown, unknown>;
  settings: unknown;
}

/** The rules that apply to one vehicle. */
export interface ResolvedRules {
  detectors: ResolvedDetector[];
  /** Codes switched off by a layer. */
  disabled: RuleCode[];
  workingHours: { start: number; end: number }[];
  nightWindow: { start: number; end: number };
  /** Templates applied, from the base up. */
  templateIds: number[];
}

/** Reads every template and vehicle assignment. */
export async function loadTemplateSet(db: Kysely<Database>): Promise<TemplateSet> {
  const rows = await db.selectFrom('rule_templates').selectAll().orderBy('id').execute();
  const assigned = await db.selectFrom('rule_vehicle_templates').selectAll().execute();
  return {
    templates: rows.map((row) => ({
      id: row.id,
      name: row.name,
      usageNature: row.usage_nature,
      unitId: row.unit_id,
      description: row.description,
      content: JSON.parse(row.content) as TemplateContent,
    })),
    assignments: new Map(assigned.map((row) => [row.vehicle_id, { templateId: row.template_id, overrides: JSON.parse(row.overrides) as TemplateContent }])),
  };
}

const selects = (template: StoredTemplate, usageNature: string | null, unitId: number | null) =>
  template.usageNature === usageNature && template.unitId === unitId;

/**
 * Returns the templates that apply to a vehicle, from the most general up: the base (no usage
 * nature, no unit), then its usage nature's, then its unit's, then its unit's for its usage
 * nature. A vehicle with a template of its own gets the base and that template instead.
 * The vehicle's overrides go on top of the last one.
 */
export function templateChain(set: TemplateSet, vehicle: Pick<RuleVehicle, 'id' | 'unitId' | 'usageNature'>): StoredTemplate[] {
  const base = set.templates.find((t) => selects(t, null, null));
  const assignment = set.assignments.get(vehicle.id);
  const own = assignment?.templateId == null ? undefined : set.templates.find((t) => t.id === assignment.templateId);
  const chain = own
    ? [base, own]
    : [
        base,
        vehicle.usageNature === null ? undefined : set.templates.find((t) => selects(t, vehicle.usageNature, null)),
        set.templates.find((t) => selects(t, null, vehicle.unitId)),
        vehicle.usageNature === null ? undefined : set.templates.find((t) => selects(t, vehicle.usageNature, vehicle.unitId)),
      ];
  return chain.filter((t, i, all): t is StoredTemplate => t !== undefined && all.indexOf(t) === i);
}

/**
 * Merges content layers: windows from the last layer that sets them, detector switches likewise,
 * detector settings key by key, and category tables per category over the detector's defaults
 * (src/rules/templates/tables.ts). Settings of a code missing from `detectors` merge key by key only.
 */
export function mergeLayers(layers: readonly TemplateContent[], detectors: readonly Detector<unknown, unknown>[]): TemplateContent {
  const merged: TemplateContent = {};
  const entries: NonNullable<TemplateContent['detectors']> = {};
  for (const layer of layers) {
    if (layer.workingHours) merged.workingHours = layer.workingHours;
    if (layer.nightWindow) merged.nightWindow = layer.nightWindow;
    for (const [code, entry] of Object.entries(layer.detectors ?? {}) as [RuleCode, NonNullable<TemplateContent['detectors']>[RuleCode]][]) {
      const before = entries[code] ?? {};
      const detector = detectors.find((d) => d.code === code);
      const settings = entry?.settings && (detector ? mergeDetectorSettings(detector, before.settings, entry.settings) : { ...before.settings, ...entry.settings });
      entries[code] = {
        ...before,
        ...(entry?.enabled !== undefined && { enabled: entry.enabled }),
        ...(settings && { settings }),
      };
    }
  }
  if (Object.keys(entries).length > 0) merged.detectors = entries;
  return merged;
}

/**
 * Resolves the detectors, settings and windows of one vehicle. Settings that its detector no longer
 * accepts (a template saved before the detector changed) fall back to the detector's defaults, with
 * an error logged, so that evaluation goes on.
 */
export function resolveRules(
  set: TemplateSet,
  vehicle: Pick<RuleVehicle, 'id' | 'unitId' | 'usageNature'>,
  detectors: readonly Detector<unknown, unknown>[],
  settings: RuleSettings,
  logger?: Logger,
): ResolvedRules {
  const chain = templateChain(set, vehicle);
  const overrides = set.assignments.get(vehicle.id)?.overrides ?? {};
  const merged = mergeLayers([...chain.map((t) => t.content), overrides], detectors);
  const resolved: ResolvedDetector[] = [];
  const disabled: RuleCode[] = [];
  for (const detector of detectors) {
    const entry = merged.detectors?.[detector.code];
    if (entry?.enabled === false) {
      disabled.push(detector.code);
      continue;
    }
    resolved.push({ detector, settings: detectorSettings(detector, entry?.settings, vehicle.id, logger) });
  }
  return {
    detectors: resolved,
    disabled,
    workingHours: (merged.workingHours ?? settings.workingHours).map(windowMinutes),
    nightWindow: windowMinutes(merged.nightWindow ?? settings.nightWindow),
    templateIds: chain.map((t) => t.id),
  };
}

function detectorSettings(detector: Detector<unknown, unknown>, partial: Record<string, unknown> | undefined, vehicleId: number, logger?: Logger): unknown {
  if (!partial) return detector.parseSettings({});
  try {
    return detector.parseSettings(partial);
  } catch (error) {
    logger?.error({ err: error, rule: detector.code, vehicleId }, 'rule settings no longer valid; using the detector defaults');
    return detector.parseSettings({});
  }
}
