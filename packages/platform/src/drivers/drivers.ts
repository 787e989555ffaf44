import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { DriverTable } from '../store/schema-rule-facts.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { likePattern } from '../places/repository.ts';

export interface DriverInput {
  unitId: number;
  name: string;
  icCardNumber: string | null;
  phone: string | null;
  licenceNumber: string | null;
  licenceClass: string | null;
  active: boolean;
}

export interface DriverView extends DriverInput {
  id: number;
  createdAt: string;
  updatedAt: string;
}

export function toDriverView(row: Selectable<DriverTable>): DriverView {
  return {
    id: row.id,
    unitId: row.unit_id,
    name: row.name,
    icCardNumber: row.ic_card_number,
    phone: row.phone,
    licenceNumber: row.licence_number,
    licenceClass: row.licence_class,
    active: row.active === 1,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toRow(input: Partial<DriverInput>) {
  return {
    ...(input.unitId !== undefined && { unit_id: input.unitId }),
    ...(input.name !== undefined && { name: input.name.trim() }),
    ...(input.icCardNumber !== undefined && { ic_card_number: input.icCardNumber?.trim() || null }),
    ...(input.phone !== undefined && { phone: input.phone }),
    ...(input.licenceNumber !== undefined && { licence_number: input.licenceNumber }),
    ...(input.licenceClass !== undefined && { licence_class: input.licenceClass }),
    ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
  };
}

async function assertUnit(db: Kysely<Database>, unitId: number | undefined) {
  if (unitId === undefined) return;
  const unit = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw invalid(`Unknown unit ${unitId}: give the id of a registered unit`, unitId);
}

/** Runs a write and turns a duplicate IC card number into a 409 that names it. */
async function withCardCheck<T>(input: Partial<DriverInput>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`IC card number ${input.icCardNumber} is already registered to another driver; each card belongs to one driver`, input.icCardNumber);
    throw error;
  }
}

export async function getDriver(db: Kysely<Database>, id: number): Promise<DriverView> {
  const row = await db.selectFrom('drivers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Driver', id);
  return toDriverView(row);
}

export async function createDriver(db: Kysely<Database>, input: DriverInput, now = Date.now()): Promise<DriverView> {
  await assertUnit(db, input.unitId);
  const row = await withCardCheck(input, () => db.insertInto('drivers').values({ ...toRow(input), unit_id: input.unitId, name: input.name.trim(), active: input.active ? 1 : 0, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow());
  return toDriverView(row);
}

export async function updateDriver(db: Kysely<Database>, id: number, patch: Partial<DriverInput>, now = Date.now()): Promise<DriverView> {
  await getDriver(db, id);
  await assertUnit(db, patch.unitId);
  const row = await withCardCheck(patch, () => db.updateTable('drivers').set({ ...toRow(patch), updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow());
  return toDriverView(row);
}

/** Deletes a driver no trip order names; a driver with orders is deactivated instead (PATCH active=false). */
export async function deleteDriver(db: Kysely<Database>, id: number): Promise<DriverView> {
  const driver = await getDriver(db, id);
  const orders = await db.selectFrom('trip_orders').select((eb) => eb.fn.countAll<number>().as('n')).where('driver_id', '=', id).executeTakeFirstOrThrow();
  if (Number(orders.n) > 0) throw conflict(`Driver ${id} (${driver.name}) is named in ${orders.n} trip order(s); deactivate the driver with active=false instead`, id);
  await db.deleteFrom('drivers').where('id', '=', id).execute();
  return driver;
}

export interface DriverFilter {
  scopeUnitIds: readonly number[] | undefined;
  unitId?: number | undefined;
  active?: boolean | undefined;
  /** Part of the name or the whole IC card number. */
  search?: string | undefined;
}

export async function listDrivers(db: Kysely<Database>, filter: DriverFilter): Promise<DriverView[]> {
  let query = db.selectFrom('drivers').selectAll();
  if (filter.scopeUnitIds) query = query.where('unit_id', 'in', filter.scopeUnitIds.length > 0 ? [...filter.scopeUnitIds] : [-1]);
  if (filter.unitId !== undefined) query = query.where('unit_id', '=', filter.unitId);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
  if (filter.search) {
    const search = filter.search;
    query = query.where((eb) => eb.or([sql<boolean>`name like ${likePattern(search)} escape '\\'`, eb('ic_card_number', '=', search)]));
  }
  return (await query.orderBy('unit_id').orderBy('name').execute()).map(toDriverView);
}
