import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { RuleTemplateTable } from '../../store/schema-rule-engine.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../store/sqlite-errors.ts';
import type { Detector } from '../engine/types.ts';
import { parseTemplateContent, type TemplateContent } from './content.ts';
import { loadTemplateSet, mergeLayers, templateChain, type VehicleAssignment } from './resolve.ts';
import type { RuleCode } from '../rule-codes.ts';

export interface TemplateView {
  id: number;
  name: string;
  usageNature: string | null;
  unitId: number | null;
  description: string;
  content: TemplateContent;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateInput {
  name: string;
  usageNature: string | null;
  unitId: number | null;
  description: string;
  content: unknown;
}

type Detectors = readonly Detector<unknown, unknown>[];

const iso = (ms: number) => new Date(ms).toISOString();

export function toTemplateView(row: Selectable<RuleTemplateTable>): TemplateView {
  return {
    id: row.id,
    name: row.name,
    usageNature: row.usage_nature,
    unitId: row.unit_id,
    description: row.description,
    content: JSON.parse(row.content) as TemplateContent,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** True for the base template, which applies to every vehicle and cannot be deleted or narrowed. */
export const isBaseTemplate = (t: { usageNature: string | null; unitId: number | null }) => t.usageNature === null && t.unitId === null;

export async function listTemplates(db: Kysely<Database>): Promise<TemplateView[]> {
  const rows = await db.selectFrom('rule_templates').selectAll().orderBy('id').execute();
  return rows.map(toTemplateView);
}

export async function getTemplate(db: Kysely<Database>, id: number): Promise<TemplateView> {
  const row = await db.selectFrom('rule_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Rule template', id);
  return toTemplateView(row);
}

async function assertUnit(db: Kysely<Database>, unitId: number | null): Promise<void> {
  if (unitId === null) return;
  const unit = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw invalid(`Unknown unit ${unitId}: give the id of a registered unit, or null for a template of every unit`, unitId, [{ path: 'body.unitId', message: 'unknown unit' }]);
}

/** Throws 409 naming the template that already selects the same usage nature and unit, or uses the name. */
async function duplicateError(db: Kysely<Database>, input: Pick<TemplateInput, 'name' | 'usageNature' | 'unitId'>, exceptId: number | null): Promise<Error> {
  let query = db.selectFrom('rule_templates').select(['id', 'name']).where('id', '!=', exceptId ?? 0);
  query = input.usageNature === null ? query.where('usage_nature', 'is', null) : query.where('usage_nature', '=', input.usageNature);
  query = input.unitId === null ? query.where('unit_id', 'is', null) : query.where('unit_id', '=', input.unitId);
  const same = await query.executeTakeFirst();
  if (same) {
    return conflict(`Template ${same.id} (${same.name}) already applies to usage nature ${input.usageNature ?? '(any)'} and unit ${input.unitId ?? '(any)'}: change that one instead`, same.id);
  }
  return conflict(`A rule template named ${input.name} already exists: choose another name`, input.name);
}

export async function createTemplate(db: Kysely<Database>, input: TemplateInput, detectors: Detectors, userId: number | null, now = Date.now()): Promise<TemplateView> {
  const content = parseTemplateContent(input.content, detectors, `template ${input.name}`);
  await assertUnit(db, input.unitId);
  try {
    const row = await db
      .insertInto('rule_templates')
      .values({ name: input.name, usage_nature: input.usageNature, unit_id: input.unitId, description: input.description, content: JSON.stringify(content), created_at: now, updated_at: now, updated_by: userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplateView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await duplicateError(db, input, null);
    throw error;
  }
}

export async function updateTemplate(db: Kysely<Database>, id: number, patch: Partial<TemplateInput>, detectors: Detectors, userId: number | null, now = Date.now()): Promise<TemplateView> {
  const current = await getTemplate(db, id);
  const next = { ...current, ...patch };
  if (isBaseTemplate(current) && !isBaseTemplate(next)) {
    throw invalid(`Template ${id} (${current.name}) is the base template of every vehicle: its usage nature and unit stay empty`, { usageNature: next.usageNature, unitId: next.unitId });
  }
  const content = patch.content === undefined ? current.content : parseTemplateContent(patch.content, detectors, `template ${next.name}`);
  await assertUnit(db, next.unitId);
  try {
    const row = await db
      .updateTable('rule_templates')
      .set({ name: next.name, usage_nature: next.usageNature, unit_id: next.unitId, description: next.description, content: JSON.stringify(content), updated_at: now, updated_by: userId })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplateView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await duplicateError(db, next, id);
    throw error;
  }
}

export async function deleteTemplate(db: Kysely<Database>, id: number): Promise<TemplateView> {
  const current = await getTemplate(db, id);
  if (isBaseTemplate(current)) throw invalid(`Template ${id} (${current.name}) is the base template of every vehicle and cannot be deleted; change its content instead`, id);
  const assigned = await db.selectFrom('rule_vehicle_templates').select('vehicle_id').where('template_id', '=', id).execute();
  if (assigned.length > 0) {
    throw conflict(`Template ${id} (${current.name}) is assigned to vehicles ${assigned.map((a) => a.vehicle_id).join(', ')}: assign them another template first`, id);
  }
  await db.deleteFrom('rule_templates').where('id', '=', id).execute();
  return current;
}

export interface VehicleRulesInput {
  templateId: number | null;
  overrides: unknown;
}

/** Returns a vehicle's own template and overrides (none: null and {}). */
export async function getVehicleAssignment(db: Kysely<Database>, vehicleId: number): Promise<{ templateId: number | null; overrides: TemplateContent }> {
  const row = await db.selectFrom('rule_vehicle_templates').selectAll().where('vehicle_id', '=', vehicleId).executeTakeFirst();
  return row ? { templateId: row.template_id, overrides: JSON.parse(row.overrides) as TemplateContent } : { templateId: null, overrides: {} };
}

/**
 * Checks a vehicle's overrides over the templates they stack on. Each layer was valid over the
 * detector defaults when saved, but a category entry that names only some fields needs the entry
 * below it, which a template may have removed.
 */
async function checkOverChain(db: Kysely<Database>, vehicleId: number, assignment: VehicleAssignment, detectors: Detectors): Promise<void> {
  const vehicle = await db.selectFrom('vehicles').select(['id', 'unit_id', 'usage_nature']).where('id', '=', vehicleId).executeTakeFirst();
  if (!vehicle) return;
  const set = await loadTemplateSet(db);
  set.assignments.set(vehicleId, assignment);
  const chain = templateChain(set, { id: vehicle.id, unitId: vehicle.unit_id, usageNature: vehicle.usage_nature });
  const merged = mergeLayers([...chain.map((t) => t.content), assignment.overrides], detectors);
  for (const code of Object.keys(assignment.overrides.detectors ?? {}) as RuleCode[]) {
    const detector = detectors.find((d) => d.code === code);
    const settings = merged.detectors?.[code]?.settings;
    if (!detector || !settings) continue;
    try {
      detector.parseSettings(settings);
    } catch (error) {
      const templates = chain.map((t) => t.name).join(', ');
      throw invalid(`Invalid overrides of vehicle ${vehicleId} at detectors.${code}.settings over its templates (${templates}): ${(error as Error).message}`, assignment.overrides.detectors?.[code]?.settings);
    }
  }
}

/** Sets a vehicle's own template (null: the one its usage nature and unit select) and its overrides. */
export async function setVehicleAssignment(db: Kysely<Database>, vehicleId: number, input: VehicleRulesInput, detectors: Detectors, userId: number | null, now = Date.now()) {
  const overrides = parseTemplateContent(input.overrides, detectors, `overrides of vehicle ${vehicleId}`);
  if (input.templateId !== null) await getTemplate(db, input.templateId);
  await checkOverChain(db, vehicleId, { templateId: input.templateId, overrides }, detectors);
  const values = { template_id: input.templateId, overrides: JSON.stringify(overrides), updated_at: now, updated_by: userId };
  await db
    .insertInto('rule_vehicle_templates')
    .values({ vehicle_id: vehicleId, ...values })
    .onConflict((c) => c.column('vehicle_id').doUpdateSet(values))
    .execute();
  return { templateId: input.templateId, overrides };
}
