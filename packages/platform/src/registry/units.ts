import type { Kysely, Selectable } from 'kysely';
import type { Database, UnitTable } from '../store/schema.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import type { UnitInput } from './schemas.ts';

export interface Unit {
  id: number;
  name: string;
  level: string | null;
  nature: string | null;
  category: string;
  organisationCode: string | null;
  address: string | null;
  supervisingUnitId: number | null;
  vehicleQuota: number | null;
  actualCount: number | null;
  staffName: string | null;
  staffPhone: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toUnit(row: Selectable<UnitTable>): Unit {
  return {
    id: row.id,
    name: row.name,
    level: row.level,
    nature: row.nature,
    category: row.category,
    organisationCode: row.organisation_code,
    address: row.address,
    supervisingUnitId: row.supervising_unit_id,
    vehicleQuota: row.vehicle_quota,
    actualCount: row.actual_count,
    staffName: row.staff_name,
    staffPhone: row.staff_phone,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toRow(input: Partial<UnitInput>) {
  return {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.level !== undefined && { level: input.level ?? null }),
    ...(input.nature !== undefined && { nature: input.nature ?? null }),
    ...(input.category !== undefined && { category: input.category }),
    ...(input.organisationCode !== undefined && { organisation_code: input.organisationCode ?? null }),
    ...(input.address !== undefined && { address: input.address ?? null }),
    ...(input.supervisingUnitId !== undefined && { supervising_unit_id: input.supervisingUnitId ?? null }),
    ...(input.vehicleQuota !== undefined && { vehicle_quota: input.vehicleQuota ?? null }),
    ...(input.actualCount !== undefined && { actual_count: input.actualCount ?? null }),
    ...(input.staffName !== undefined && { staff_name: input.staffName ?? null }),
    ...(input.staffPhone !== undefined && { staff_phone: input.staffPhone ?? null }),
  };
}

async function assertSupervisor(db: Kysely<Database>, supervisingUnitId: number | null | undefined, selfId?: number) {
  if (supervisingUnitId == null) return;
  if (supervisingUnitId === selfId) throw invalid('A unit cannot supervise itself', supervisingUnitId);
  const found = await db.selectFrom('units').select('id').where('id', '=', supervisingUnitId).executeTakeFirst();
  if (!found) throw notFound('Supervising unit', supervisingUnitId);
}

/**
 * Names which unique column an insert or update broke: the unit name (GONGCHE_ERR_UNIT_NAME_TAKEN)
 * or the organisation code (GONGCHE_ERR_ORGANISATION_CODE_TAKEN), with the value and the unit that has it.
 */
async function unitConflict(db: Kysely<Database>, input: Partial<UnitInput>, selfId?: number): Promise<AppError> {
  if (input.name !== undefined) {
    const holder = await db.selectFrom('units').select('id').where('name', '=', input.name).executeTakeFirst();
    if (holder && holder.id !== selfId) {
      return new AppError('GONGCHE_ERR_UNIT_NAME_TAKEN', 409, `A unit named ${input.name} already exists (unit ${holder.id}); unit names are unique`, { value: input.name, details: { unitId: holder.id } });
    }
  }
  const code = input.organisationCode ?? null;
  const holder = code === null ? undefined : await db.selectFrom('units').select(['id', 'name']).where('organisation_code', '=', code).executeTakeFirst();
  return new AppError('GONGCHE_ERR_ORGANISATION_CODE_TAKEN', 409, `Organisation code ${code} is already recorded for unit ${holder?.name ?? '?'} (${holder?.id ?? '?'}); check the code`, {
    value: code,
    details: { unitId: holder?.id ?? null },
  });
}

export async function createUnit(db: Kysely<Database>, input: UnitInput): Promise<Unit> {
  await assertSupervisor(db, input.supervisingUnitId);
  const now = Date.now();
  try {
    const row = await db
      .insertInto('units')
      .values({ name: input.name, category: input.category, ...toRow(input), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUnit(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await unitConflict(db, input);
    throw error;
  }
}

export async function updateUnit(db: Kysely<Database>, id: number, input: Partial<UnitInput>): Promise<Unit> {
  await assertSupervisor(db, input.supervisingUnitId, id);
  try {
    const row = await db
      .updateTable('units')
      .set({ ...toRow(input), updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Unit', id);
    return toUnit(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await unitConflict(db, input, id);
    throw error;
  }
}

export async function getUnit(db: Kysely<Database>, id: number): Promise<Unit> {
  const row = await db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Unit', id);
  return toUnit(row);
}

export async function listUnits(db: Kysely<Database>): Promise<Unit[]> {
  const rows = await db.selectFrom('units').selectAll().orderBy('id').execute();
  return rows.map(toUnit);
}
