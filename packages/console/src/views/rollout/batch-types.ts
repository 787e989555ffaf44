import type { Batch, RolloutPhase } from '../../api/types.ts';

/**
 * Types and helpers of the bureau's batch page. The unit categories, leader ranks and the scope
 * rule mirror packages/platform/src/registry/vocabulary.ts and src/rollout/scope.ts, and the
 * server validates every batch it stores.
 */
export const unitCategories = ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security', 'other'] as const;
export type UnitCategory = (typeof unitCategories)[number];

/** Leader ranks from lowest to highest. */
export const leaderRanks = ['科员', '副科级', '正科级', '副处级', '正处级', '副厅级', '正厅级', '副部级', '正部级', '副国级', '正国级'] as const;

export interface ScopeRule {
  unitCategories?: { include?: UnitCategory[]; exclude?: UnitCategory[] };
  leadershipVehicles?: { minRank: string };
}

export interface BatchDetail extends Batch {
  scopeRule: ScopeRule;
}

/** GET /api/rollout/batches/:id/scope: the units a batch covers with their vehicles in it. */
export interface BatchScope {
  batchId: number;
  units: { unitId: number; vehicleIds: number[] }[];
}

/** An item of GET /api/rollout/overrides: a unit or vehicle assigned to a batch by hand. */
export interface BatchOverride {
  objectType: 'unit' | 'vehicle';
  objectId: number;
  /** The unit's name or the vehicle's plate. */
  objectName: string;
  /** The vehicle's unit, or null for a unit. */
  unitName: string | null;
  batchId: number;
  batchNumber: number;
  batchName: string;
  reason: string;
  /** Username of the administrator who set it, or null when the user record is missing. */
  createdBy: string | null;
  createdAt: string;
}

/** The unit or vehicle that the manual assignment dialog moves, and the batch it was shown in. */
export interface OverrideTarget {
  objectType: BatchOverride['objectType'];
  objectId: number;
  /** The unit's name or the vehicle's plate. */
  name: string;
  /** The vehicle's unit, or null for a unit. */
  unitName: string | null;
  /** The batch whose list the administrator started from. */
  fromBatchId: number;
}

/**
 * Tells whether a unit or vehicle is assigned to this batch by hand. A unit assigned elsewhere can
 * still be listed in the batch because one of its vehicles is in it.
 */
export function assignedByHand(overrides: BatchOverride[], objectType: BatchOverride['objectType'], objectId: number, batchId: number): boolean {
  return overrides.some((override) => override.objectType === objectType && override.objectId === objectId && override.batchId === batchId);
}

/** An item of GET /api/rollout/letters. */
export interface LetterSummary {
  id: number;
  formId: number;
  unitId: number;
  batchId: number;
  documentNumber: string;
  installCount: number;
  exemptCount: number;
  issuedAt: string;
}

/** Response of POST /api/rollout/work-orders. */
export interface WorkOrdersCreated {
  created: number[];
  alreadyInstalled: { vehicleId: number; plate: string; terminal: { id: number; phone: string } }[];
  alreadyOrdered: number[];
}

/** Unit selection of a scope rule: all units except some categories, only some categories, or none. */
export type UnitMode = 'exclude' | 'include' | 'none';

/** Fields of the batch dialog. A deadline is YYYY-MM-DD, or empty ('' or null once the picker is cleared). */
export interface BatchDraft {
  number: number | undefined;
  name: string;
  unitMode: UnitMode;
  categories: UnitCategory[];
  leadership: boolean;
  minRank: string;
  deadlines: Record<RolloutPhase, string | null>;
}

export function draftOf(batch: BatchDetail | null, nextNumber: number): BatchDraft {
  const rule = batch?.scopeRule ?? {};
  // A new batch starts from "all units except", the form of the plan's batch 1.
  let unitMode: UnitMode = 'none';
  if (rule.unitCategories?.include) unitMode = 'include';
  else if (rule.unitCategories?.exclude || !batch) unitMode = 'exclude';
  return {
    number: batch?.number ?? nextNumber,
    name: batch?.name ?? '',
    unitMode,
    categories: [...(rule.unitCategories?.include ?? rule.unitCategories?.exclude ?? [])],
    leadership: rule.leadershipVehicles !== undefined,
    minRank: rule.leadershipVehicles?.minRank ?? '副处级',
    deadlines: {
      registration: batch?.deadlines.registration ?? '',
      review: batch?.deadlines.review ?? '',
      installation: batch?.deadlines.installation ?? '',
      acceptance: batch?.deadlines.acceptance ?? '',
      data_security: batch?.deadlines.data_security ?? '',
    },
  };
}

/** Builds the API's scope rule from the dialog's fields. */
export function scopeRuleOf(draft: BatchDraft): ScopeRule {
  return {
    ...(draft.unitMode !== 'none' && { unitCategories: { [draft.unitMode]: [...draft.categories] } }),
    ...(draft.leadership && { leadershipVehicles: { minRank: draft.minRank } }),
  };
}

/** Returns the deadlines that are set, as the API takes them. */
export function deadlinesOf(draft: BatchDraft): Partial<Record<RolloutPhase, string>> {
  return Object.fromEntries(Object.entries(draft.deadlines).filter(([, date]) => date)) as Partial<Record<RolloutPhase, string>>;
}
