import type { Kysely, Selectable } from 'kysely';
import type { Database, VehicleTable } from '../store/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import type { VehicleInput } from './schemas.ts';

export interface Vehicle {
  id: number;
  unitId: number;
  plate: string;
  brandModel: string | null;
  vehicleType: string | null;
  usageNature: string | null;
  leaderRank: string | null;
  remarks: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export function toVehicle(row: Selectable<VehicleTable>): Vehicle {
  return {
    id: row.id,
    unitId: row.unit_id,
    plate: row.plate,
    brandModel: row.brand_model,
    vehicleType: row.vehicle_type,
    usageNature: row.usage_nature,
    leaderRank: row.leader_rank,
    remarks: row.remarks,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toRow(input: Partial<VehicleInput>) {
  return {
    ...(input.unitId !== undefined && { unit_id: input.unitId }),
    ...(input.plate !== undefined && { plate: input.plate }),
    ...(input.brandModel !== undefined && { brand_model: input.brandModel ?? null }),
    ...(input.vehicleType !== undefined && { vehicle_type: input.vehicleType ?? null }),
    ...(input.usageNature !== undefined && { usage_nature: input.usageNature ?? null }),
    ...(input.leaderRank !== undefined && { leader_rank: input.leaderRank ?? null }),
    ...(input.remarks !== undefined && { remarks: input.remarks ?? null }),
    ...(input.status !== undefined && { status: input.status }),
  };
}

async function assertUnit(db: Kysely<Database>, unitId: number | undefined) {
  if (unitId === undefined) return;
  const found = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!found) throw notFound('Unit', unitId);
}

/** The plate column is unique across units, so a clash names the plate. */
const plateTaken = (plate: string | undefined) =>
  new AppError('GONGCHE_ERR_PLATE_TAKEN', 409, `Plate ${plate} is already registered; a plate is unique across units`, { value: plate });

export async function createVehicle(db: Kysely<Database>, input: VehicleInput): Promise<Vehicle> {
  await assertUnit(db, input.unitId);
  const now = Date.now();
  try {
    const row = await db
      .insertInto('vehicles')
      .values({ unit_id: input.unitId, plate: input.plate, status: input.status, ...toRow(input), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVehicle(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw plateTaken(input.plate);
    throw error;
  }
}

export async function updateVehicle(db: Kysely<Database>, id: number, input: Partial<VehicleInput>): Promise<Vehicle> {
  await assertUnit(db, input.unitId);
  try {
    const row = await db
      .updateTable('vehicles')
      .set({ ...toRow(input), updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Vehicle', id);
    return toVehicle(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw plateTaken(input.plate);
    throw error;
  }
}

export async function getVehicle(db: Kysely<Database>, id: number): Promise<Vehicle> {
  const row = await db.selectFrom('vehicles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Vehicle', id);
  return toVehicle(row);
}
