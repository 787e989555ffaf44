import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { scopeRuleSchema, type ScopeRule } from './scope.ts';

/** Phases of a batch in the order the plan runs them. */
export const rolloutPhases = ['registration', 'review', 'installation', 'acceptance', 'data_security'] as const;
export type RolloutPhase = (typeof rolloutPhases)[number];

/** Tells whether YYYY-MM-DD names a real day; Date.parse alone rolls 2022-02-30 over to March. */
function isCalendarDate(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/** A calendar date, YYYY-MM-DD; its deadline is the end of that day in Beijing time (UTC+8). */
export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine(isCalendarDate, 'must be a real calendar date');

export const phaseDeadlinesSchema = z.object(Object.fromEntries(rolloutPhases.map((phase) => [phase, dateSchema.optional()])) as Record<RolloutPhase, z.ZodOptional<typeof dateSchema>>).strict();

export const batchInput = z.object({
  number: z.number().int().min(1).max(99),
  name: z.string().trim().min(2).max(60),
  scopeRule: scopeRuleSchema,
  deadlines: phaseDeadlinesSchema.default({}),
});
export type BatchInput = z.infer<typeof batchInput>;

/** A change of a batch: name, scope rule or deadlines; the number is fixed and other fields are rejected. */
export const batchChange = batchInput.omit({ number: true }).partial().strict();

export interface Batch {
  id: number;
  number: number;
  name: string;
  scopeRule: ScopeRule;
  /** Phase to its last day (YYYY-MM-DD, Beijing time). */
  deadlines: Partial<Record<RolloutPhase, string>>;
}

/** Returns the end of a Beijing-time day (UTC ms of the next day's 00:00 +08:00, minus 1). */
export function endOfBeijingDay(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`) + 24 * 3600_000 - 1;
}

/** Formats a UTC instant as its Beijing-time date, YYYY-MM-DD. */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

async function deadlinesOf(db: Kysely<Database>, batchId: number): Promise<Batch['deadlines']> {
  const rows = await db.selectFrom('rollout_phases').selectAll().where('batch_id', '=', batchId).execute();
  return Object.fromEntries(rows.map((row) => [row.phase, beijingDate(row.due_at)]));
}

/** Replaces the given phases' deadlines of a batch; phases left out keep theirs. */
export async function setDeadlines(db: Kysely<Database>, batchId: number, deadlines: Batch['deadlines']): Promise<void> {
  for (const phase of rolloutPhases) {
    const date = deadlines[phase];
    if (date === undefined) continue;
    const dueAt = endOfBeijingDay(date);
    await db.insertInto('rollout_phases').values({ batch_id: batchId, phase, due_at: dueAt }).onConflict((c) => c.columns(['batch_id', 'phase']).doUpdateSet({ due_at: dueAt })).execute();
  }
}

export async function createBatch(db: Kysely<Database>, input: BatchInput): Promise<Batch> {
  const now = Date.now();
  try {
    const row = await db
      .insertInto('rollout_batches')
      .values({ number: input.number, name: input.name, scope_rule: JSON.stringify(input.scopeRule), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setDeadlines(db, row.id, input.deadlines);
    return getBatch(db, row.id);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('GONGCHE_ERR_BATCH_EXISTS', 409, `Batch ${input.number} already exists; choose another number or change that batch with PATCH /api/rollout/batches/:id`, { value: input.number });
    throw error;
  }
}

export async function getBatch(db: Kysely<Database>, id: number): Promise<Batch> {
  const row = await db.selectFrom('rollout_batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Batch', id);
  return { id: row.id, number: row.number, name: row.name, scopeRule: scopeRuleSchema.parse(JSON.parse(row.scope_rule)), deadlines: await deadlinesOf(db, row.id) };
}

/** Finds a batch by its number (1, 2, …), as the CLI names it. */
export async function getBatchByNumber(db: Kysely<Database>, number: number): Promise<Batch> {
  const row = await db.selectFrom('rollout_batches').select('id').where('number', '=', number).executeTakeFirst();
  if (!row) throw notFound('Batch number', number);
  return getBatch(db, row.id);
}

export async function listBatches(db: Kysely<Database>): Promise<Batch[]> {
  const rows = await db.selectFrom('rollout_batches').select('id').orderBy('number').execute();
  return Promise.all(rows.map((row) => getBatch(db, row.id)));
}

/** Changes a batch's name, scope rule or deadlines. */
export async function updateBatch(db: Kysely<Database>, id: number, input: Partial<Omit<BatchInput, 'number'>>): Promise<Batch> {
  await getBatch(db, id);
  const set = { ...(input.name !== undefined && { name: input.name }), ...(input.scopeRule !== undefined && { scope_rule: JSON.stringify(input.scopeRule) }) };
  await db.updateTable('rollout_batches').set({ ...set, updated_at: Date.now() }).where('id', '=', id).execute();
  if (input.deadlines) await setDeadlines(db, id, input.deadlines);
  return getBatch(db, id);
}

export const overrideInput = z.object({
  objectType: z.enum(['unit', 'vehicle']),
  objectId: z.number().int().positive(),
  batchId: z.number().int().positive(),
  reason: z.string().trim().min(4).max(200),
});
export type OverrideInput = z.infer<typeof overrideInput>;

/** Records a manual assignment of a unit or vehicle to a batch; a later override of the same object replaces it. */
export async function setOverride(db: Kysely<Database>, input: OverrideInput, userId: number | null): Promise<void> {
  await getBatch(db, input.batchId);
  const table = input.objectType === 'unit' ? 'units' : 'vehicles';
  const found = await db.selectFrom(table).select('id').where('id', '=', input.objectId).executeTakeFirst();
  if (!found) throw notFound(input.objectType === 'unit' ? 'Unit' : 'Vehicle', input.objectId);
  const row = { object_type: input.objectType, object_id: input.objectId, batch_id: input.batchId, reason: input.reason, created_by: userId, created_at: Date.now() };
  await db
    .insertInto('rollout_overrides')
    .values(row)
    .onConflict((c) => c.columns(['object_type', 'object_id']).doUpdateSet({ batch_id: row.batch_id, reason: row.reason, created_by: userId, created_at: row.created_at }))
    .execute();
}

/** A manual assignment as the bureau reviews it: the object's name, the batch, the reason and who set it when. */
export interface Override {
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
  createdBy: string | null;
  createdAt: string;
}

/** Lists the manual assignments, units first, then vehicles, each by name. */
export async function listOverrides(db: Kysely<Database>): Promise<Override[]> {
  const rows = await db
    .selectFrom('rollout_overrides as o')
    .innerJoin('rollout_batches as b', 'b.id', 'o.batch_id')
    .leftJoin('units as u', (join) => join.onRef('u.id', '=', 'o.object_id').on('o.object_type', '=', 'unit'))
    .leftJoin('vehicles as v', (join) => join.onRef('v.id', '=', 'o.object_id').on('o.object_type', '=', 'vehicle'))
    .leftJoin('units as vu', 'vu.id', 'v.unit_id')
    .leftJoin('users as p', 'p.id', 'o.created_by')
    .select(['o.object_type', 'o.object_id', 'o.reason', 'o.created_at', 'b.id as batch_id', 'b.number as batch_number', 'b.name as batch_name', 'u.name as unit_name', 'v.plate', 'vu.name as vehicle_unit_name', 'p.username'])
    .execute();
  const overrides = rows.map((row): Override => ({
    objectType: row.object_type as Override['objectType'],
    objectId: row.object_id,
    objectName: (row.object_type === 'unit' ? row.unit_name : row.plate) ?? `#${row.object_id}`,
    unitName: row.object_type === 'vehicle' ? row.vehicle_unit_name : null,
    batchId: row.batch_id,
    batchNumber: row.batch_number,
    batchName: row.batch_name,
    reason: row.reason,
    createdBy: row.username,
    createdAt: new Date(row.created_at).toISOString(),
  }));
  return overrides.sort((a, b) => (a.objectType === b.objectType ? a.objectName.localeCompare(b.objectName, 'zh-CN') : a.objectType === 'unit' ? -1 : 1));
}

/** Removes the manual assignment of a unit or vehicle, which then follows the batches' rules again; returns the removed one. */
export async function removeOverride(db: Kysely<Database>, objectType: Override['objectType'], objectId: number): Promise<Override> {
  const existing = (await listOverrides(db)).find((o) => o.objectType === objectType && o.objectId === objectId);
  if (!existing) throw notFound(`Manual batch assignment of ${objectType}`, objectId);
  await db.deleteFrom('rollout_overrides').where('object_type', '=', objectType).where('object_id', '=', objectId).execute();
  return existing;
}
