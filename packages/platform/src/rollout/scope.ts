import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { leaderRanks, rankAtLeast, unitCategories, type UsageNature } from '../registry/vocabulary.ts';

const leadershipUsageNature: UsageNature = '领导保障用车';

/**
 * Which units and vehicles a batch covers, stored as data with the batch. A unit matches by its
 * category; `leadershipVehicles` pulls the leadership vehicles (领导保障用车) of officials of
 * `minRank` and above out of every unit into this batch.
 */
export const scopeRuleSchema = z.object({
  unitCategories: z.object({ include: z.array(z.enum(unitCategories)).optional(), exclude: z.array(z.enum(unitCategories)).optional() }).optional(),
  leadershipVehicles: z.object({ minRank: z.enum(leaderRanks) }).optional(),
});
export type ScopeRule = z.infer<typeof scopeRuleSchema>;

const judicialAndDiscipline = ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] as const;

/** The prefecture plan's two batches: every unit except discipline and judicial ones, then those and all leadership vehicles from 副处级 up. */
export const planScopeRules: Record<1 | 2, ScopeRule> = {
  1: { unitCategories: { exclude: [...judicialAndDiscipline] } },
  2: { unitCategories: { include: [...judicialAndDiscipline] }, leadershipVehicles: { minRank: '副处级' } },
};

export interface BatchRule {
  id: number;
  number: number;
  rule: ScopeRule;
}

/** Units and vehicles assigned to batches; a vehicle belongs to at most one batch. */
export interface Assignments {
  vehicleBatch: Map<number, number>;
  /** Batch id to the units it covers: by the unit rules or because one of its vehicles is in the batch. */
  batchUnits: Map<number, Set<number>>;
  /** Vehicle id to its unit, for the vehicles that count (not disposed). */
  vehicleUnit: Map<number, number>;
}

export function unitMatches(rule: ScopeRule, category: string): boolean {
  const { include, exclude } = rule.unitCategories ?? {};
  if (include && !include.includes(category as never)) return false;
  if (exclude && exclude.includes(category as never)) return false;
  return include !== undefined || exclude !== undefined;
}

function leadershipMatches(rule: ScopeRule, vehicle: { usage_nature: string | null; leader_rank: string | null }): boolean {
  if (!rule.leadershipVehicles) return false;
  return vehicle.usage_nature === leadershipUsageNature && rankAtLeast(vehicle.leader_rank, rule.leadershipVehicles.minRank);
}

async function loadBatches(db: Kysely<Database>): Promise<BatchRule[]> {
  const rows = await db.selectFrom('rollout_batches').select(['id', 'number', 'scope_rule']).orderBy('number').execute();
  return rows.map((row) => ({ id: row.id, number: row.number, rule: scopeRuleSchema.parse(JSON.parse(row.scope_rule)) }));
}

async function loadOverrides(db: Kysely<Database>) {
  const rows = await db.selectFrom('rollout_overrides').select(['object_type', 'object_id', 'batch_id']).execute();
  const unit = new Map<number, number>();
  const vehicle = new Map<number, number>();
  for (const row of rows) (row.object_type === 'unit' ? unit : vehicle).set(row.object_id, row.batch_id);
  return { unit, vehicle };
}

/**
 * Assigns every unit and every vehicle that is not disposed to a batch. A vehicle goes, in this
 * order, to its manual override, the first batch whose leadership rule it matches, its unit's
 * override, or the first batch whose unit rule matches its unit.
 */
export async function computeAssignments(db: Kysely<Database>): Promise<Assignments> {
  const batches = await loadBatches(db);
  const overrides = await loadOverrides(db);
  const units = await db.selectFrom('units').select(['id', 'category']).execute();
  const unitBatch = new Map<number, number>();
  const batchUnits = new Map<number, Set<number>>(batches.map((b) => [b.id, new Set<number>()]));
  for (const unit of units) {
    const batchId = overrides.unit.get(unit.id) ?? batches.find((b) => unitMatches(b.rule, unit.category))?.id;
    if (batchId === undefined) continue;
    unitBatch.set(unit.id, batchId);
    batchUnits.get(batchId)?.add(unit.id);
  }

  const vehicles = await db.selectFrom('vehicles').select(['id', 'unit_id', 'usage_nature', 'leader_rank']).where('status', '!=', 'disposed').execute();
  const vehicleBatch = new Map<number, number>();
  const vehicleUnit = new Map<number, number>();
  for (const vehicle of vehicles) {
    vehicleUnit.set(vehicle.id, vehicle.unit_id);
    const batchId = overrides.vehicle.get(vehicle.id) ?? batches.find((b) => leadershipMatches(b.rule, vehicle))?.id ?? unitBatch.get(vehicle.unit_id);
    if (batchId === undefined) continue;
    vehicleBatch.set(vehicle.id, batchId);
    batchUnits.get(batchId)?.add(vehicle.unit_id);
  }
  return { vehicleBatch, batchUnits, vehicleUnit };
}

/** Returns the ids of a unit's vehicles assigned to a batch. */
export function scopeVehicles(assignments: Assignments, unitId: number, batchId: number): number[] {
  const ids: number[] = [];
  for (const [vehicleId, assigned] of assignments.vehicleBatch) {
    if (assigned === batchId && assignments.vehicleUnit.get(vehicleId) === unitId) ids.push(vehicleId);
  }
  return ids.sort((a, b) => a - b);
}
