import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { plateSchema, contactPhoneSchema } from '../registry/schemas.ts';
import { getBatch, dateSchema } from './batches.ts';

/** Form states: draft (the unit edits), submitted (under review), reviewed (every opinion given), locked (reply letter issued). */
export type FormState = 'draft' | 'submitted' | 'reviewed' | 'locked';

const lineInput = z.object({ plate: plateSchema, remarks: z.string().trim().max(200).nullish() });

export const formBody = z.object({
  staffName: z.string().trim().min(1).max(40).nullish(),
  staffPhone: contactPhoneSchema.nullish(),
  vehicleQuota: z.number().int().min(0).max(10000).nullish(),
  actualCount: z.number().int().min(0).max(10000).nullish(),
  filledOn: dateSchema.nullish(),
  install: z.array(lineInput).max(1000).default([]),
  exempt: z.array(lineInput.extend({ reason: z.string().trim().max(200).nullish() })).max(1000).default([]),
});
export type FormBody = z.infer<typeof formBody>;

export const formCreate = formBody.extend({ unitId: z.number().int().positive(), batchId: z.number().int().positive() });
export type FormCreate = z.infer<typeof formCreate>;

export interface FormLine {
  vehicleId: number;
  plate: string;
  brandModel: string | null;
  vehicleType: string | null;
  usageNature: string | null;
  leaderRank: string | null;
  remarks: string | null;
  exemptReason: string | null;
  /** Set when a review rejected the vehicle's exemption and moved it to the install list. */
  rejectedByReviewId: number | null;
}

export interface FormDetail {
  id: number;
  unitId: number;
  batchId: number;
  state: FormState;
  round: number;
  staffName: string | null;
  staffPhone: string | null;
  vehicleQuota: number | null;
  actualCount: number | null;
  filledOn: string | null;
  submittedAt: string | null;
  lockedAt: string | null;
  unit: { name: string; level: string | null; nature: string | null; organisationCode: string | null; address: string | null; supervisingUnitId: number | null };
  install: FormLine[];
  exempt: FormLine[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function loadLines(db: Kysely<Database>, formId: number) {
  const rows = await db
    .selectFrom('rollout_form_lines as l')
    .innerJoin('vehicles as v', 'v.id', 'l.vehicle_id')
    .select(['l.vehicle_id', 'l.list', 'l.exempt_reason', 'l.remarks', 'l.rejected_by_review_id', 'v.plate', 'v.brand_model', 'v.vehicle_type', 'v.usage_nature', 'v.leader_rank'])
    .where('l.form_id', '=', formId)
    .orderBy('l.id')
    .execute();
  const toLine = (row: (typeof rows)[number]): FormLine => ({
    vehicleId: row.vehicle_id,
    plate: row.plate,
    brandModel: row.brand_model,
    vehicleType: row.vehicle_type,
    usageNature: row.usage_nature,
    leaderRank: row.leader_rank,
    remarks: row.remarks,
    exemptReason: row.exempt_reason,
    rejectedByReviewId: row.rejected_by_review_id,
  });
  return { install: rows.filter((r) => r.list === 'install').map(toLine), exempt: rows.filter((r) => r.list === 'exempt').map(toLine) };
}

/** Loads a form with its unit's registry data and both vehicle lists. */
export async function getForm(db: Kysely<Database>, id: number): Promise<FormDetail> {
  const row = await db.selectFrom('rollout_forms').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Registration form', id);
  const unit = await db.selectFrom('units').selectAll().where('id', '=', row.unit_id).executeTakeFirstOrThrow();
  return {
    id: row.id,
    unitId: row.unit_id,
    batchId: row.batch_id,
    state: row.state as FormState,
    round: row.round,
    staffName: row.staff_name,
    staffPhone: row.staff_phone,
    vehicleQuota: row.vehicle_quota,
    actualCount: row.actual_count,
    filledOn: row.filled_on,
    submittedAt: iso(row.submitted_at),
    lockedAt: iso(row.locked_at),
    unit: { name: unit.name, level: unit.level, nature: unit.nature, organisationCode: unit.organisation_code, address: unit.address, supervisingUnitId: unit.supervising_unit_id },
    ...(await loadLines(db, row.id)),
  };
}

/** Returns the form of a unit for a batch, or null. */
export async function findForm(db: Kysely<Database>, unitId: number, batchId: number): Promise<FormDetail | null> {
  const row = await db.selectFrom('rollout_forms').select('id').where('unit_id', '=', unitId).where('batch_id', '=', batchId).executeTakeFirst();
  return row ? getForm(db, row.id) : null;
}

export async function listForms(db: Kysely<Database>, filter: { batchId?: number; unitIds?: readonly number[] }): Promise<FormDetail[]> {
  let query = db.selectFrom('rollout_forms').select('id').orderBy('id');
  if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
  if (filter.unitIds !== undefined) query = query.where('unit_id', 'in', filter.unitIds.length > 0 ? [...filter.unitIds] : [-1]);
  const rows = await query.execute();
  return Promise.all(rows.map((row) => getForm(db, row.id)));
}

/** Resolves the plates of a body to the unit's vehicles; a plate of another unit, an unknown plate or a plate listed twice is rejected. */
async function resolveLines(db: Kysely<Database>, unitId: number, body: FormBody) {
  const listed = [...body.install.map((line) => ({ ...line, list: 'install', reason: null })), ...body.exempt.map((line) => ({ ...line, list: 'exempt', reason: line.reason ?? null }))];
  const seen = new Set<string>();
  const lines = [];
  for (const line of listed) {
    if (seen.has(line.plate)) throw new AppError('GONGCHE_ERR_FORM_DUPLICATE_VEHICLE', 400, `Plate ${line.plate} is listed twice; list each vehicle once, either to install or exempt`, { value: line.plate });
    seen.add(line.plate);
    const vehicle = await db.selectFrom('vehicles').select(['id', 'unit_id']).where('plate', '=', line.plate).executeTakeFirst();
    if (!vehicle || vehicle.unit_id !== unitId) {
      throw new AppError('GONGCHE_ERR_FORM_UNKNOWN_VEHICLE', 400, `Plate ${line.plate} is not a vehicle of this unit in the registry; register it first (POST /api/vehicles)`, { value: line.plate });
    }
    lines.push({ vehicle_id: vehicle.id, list: line.list, exempt_reason: line.reason, remarks: line.remarks ?? null });
  }
  return lines;
}

function formColumns(body: FormBody) {
  return {
    staff_name: body.staffName ?? null,
    staff_phone: body.staffPhone ?? null,
    vehicle_quota: body.vehicleQuota ?? null,
    actual_count: body.actualCount ?? null,
    filled_on: body.filledOn ?? null,
  };
}

/** Creates a unit's draft form for a batch. One form per unit and batch. */
export async function createForm(db: Kysely<Database>, input: FormCreate, userId: number | null): Promise<FormDetail> {
  await getBatch(db, input.batchId);
  const unit = await db.selectFrom('units').selectAll().where('id', '=', input.unitId).executeTakeFirst();
  if (!unit) throw notFound('Unit', input.unitId);
  const lines = await resolveLines(db, input.unitId, input);
  const now = Date.now();
  const defaults = { staffName: unit.staff_name, staffPhone: unit.staff_phone, vehicleQuota: unit.vehicle_quota, actualCount: unit.actual_count, ...withoutUndefined(input) };
  try {
    const form = await db
      .insertInto('rollout_forms')
      .values({ unit_id: input.unitId, batch_id: input.batchId, state: 'draft', ...formColumns(defaults as FormBody), created_by: userId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const line of lines) await db.insertInto('rollout_form_lines').values({ form_id: form.id, ...line }).execute();
    return getForm(db, form.id);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Unit ${input.unitId} already has a form for batch ${input.batchId}; change it with PUT /api/rollout/forms/:id`, input.unitId);
    throw error;
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

/** Throws 409 GONGCHE_ERR_FORM_STATE unless the form is in one of the states. */
export function assertFormState(form: FormDetail, states: FormState[], action: string): void {
  if (states.includes(form.state)) return;
  throw new AppError('GONGCHE_ERR_FORM_STATE', 409, `Form ${form.id} is ${form.state}; ${action} needs a form that is ${states.join(' or ')}`, { value: form.state });
}

/** Replaces a draft form's fields and vehicle lists. */
export async function updateForm(db: Kysely<Database>, id: number, body: FormBody): Promise<FormDetail> {
  const form = await getForm(db, id);
  assertFormState(form, ['draft'], 'changing it');
  const lines = await resolveLines(db, form.unitId, body);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('rollout_forms').set({ ...formColumns(body), updated_at: Date.now() }).where('id', '=', id).execute();
    await trx.deleteFrom('rollout_form_lines').where('form_id', '=', id).execute();
    for (const line of lines) await trx.insertInto('rollout_form_lines').values({ form_id: id, ...line }).execute();
  });
  return getForm(db, id);
}
