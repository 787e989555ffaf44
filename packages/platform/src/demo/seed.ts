import fs from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { createUnit, updateUnit } from '../registry/units.ts';
import { createVehicle } from '../registry/vehicles.ts';
import { createTerminal } from '../registry/terminals.ts';
import { terminalInput, unitInput, vehicleInput } from '../registry/schemas.ts';
import { phoneKey } from '../registry/phone.ts';
import { seedDemoPlaces } from '../places/demo/seed.ts';

interface DemoVehicle {
  plate: string;
  brandModel?: string;
  vehicleType?: string;
  usageNature?: string;
  leaderRank?: string;
  remarks?: string;
  terminalPhone?: string;
  /** Why the vehicle is exempt from carrying a terminal; such vehicles get none. */
  exemptReason?: string;
}

interface DemoUnit {
  name: string;
  level?: string;
  nature?: string;
  category?: string;
  organisationCode?: string;
  address?: string;
  supervisingUnit?: string | null;
  vehicleQuota?: number;
  actualCount?: number;
  vehicles: DemoVehicle[];
}

export interface SeedCounts {
  units: number;
  vehicles: number;
  terminals: number;
}

/** Reads the demonstration fleet shipped next to this module. */
export function loadDemoUnits(): DemoUnit[] {
  const text = fs.readFileSync(new URL('./kashgar-units.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { units: DemoUnit[] }).units;
}

/**
 * Adds the Kashgar demonstration fleet: units with their supervising-unit links, vehicles, and one
 * terminal per vehicle that has a terminal phone. Rows already present (matched by unit name, plate
 * and terminal phone) are left unchanged, so a second run adds nothing. Returns the counts added.
 * The demonstration places (src/places/demo) are added after the fleet, since parking belongs to units.
 */
export async function seedDemoFleet(db: Kysely<Database>, logger: Logger): Promise<SeedCounts> {
  const counts: SeedCounts = { units: 0, vehicles: 0, terminals: 0 };
  const demoUnits = loadDemoUnits();
  const unitIds = new Map<string, number>();
  const createdUnits: DemoUnit[] = [];

  for (const unit of demoUnits) {
    const existing = await db.selectFrom('units').select('id').where('name', '=', unit.name).executeTakeFirst();
    if (existing) {
      unitIds.set(unit.name, existing.id);
      continue;
    }
    const id = await addUnit(db, unit, logger);
    if (id === null) continue;
    unitIds.set(unit.name, id);
    createdUnits.push(unit);
    counts.units++;
  }

  await linkSupervisors(db, createdUnits, unitIds, logger);

  for (const unit of demoUnits) {
    const unitId = unitIds.get(unit.name);
    if (unitId === undefined) continue;
    for (const vehicle of unit.vehicles) await addVehicle(db, unitId, vehicle, counts, logger);
  }

  logger.info({ ...counts, demoUnits: demoUnits.length }, 'demo fleet seeded');
  await seedDemoPlaces(db, logger);
  return counts;
}

const unitConflictCodes = new Set(['GONGCHE_ERR_UNIT_NAME_TAKEN', 'GONGCHE_ERR_ORGANISATION_CODE_TAKEN']);

/** Creates one unit without its supervisor link; returns null when it conflicts with a unit already stored. */
async function addUnit(db: Kysely<Database>, unit: DemoUnit, logger: Logger): Promise<number | null> {
  const { vehicles: _vehicles, supervisingUnit: _supervisor, ...fields } = unit;
  try {
    const created = await createUnit(db, unitInput.parse(fields));
    return created.id;
  } catch (error) {
    if (!(error instanceof AppError) || !unitConflictCodes.has(error.code)) throw error;
    logger.warn({ err: error, unit: unit.name }, 'demo unit skipped: conflicts with a stored unit');
    return null;
  }
}

/** Sets the supervising unit of the units this run created; stored units keep their links. */
async function linkSupervisors(db: Kysely<Database>, created: DemoUnit[], unitIds: Map<string, number>, logger: Logger) {
  for (const unit of created) {
    if (!unit.supervisingUnit) continue;
    const supervisorId = unitIds.get(unit.supervisingUnit);
    if (supervisorId === undefined) {
      logger.warn({ unit: unit.name, supervisingUnit: unit.supervisingUnit }, 'demo supervising unit not found; link skipped');
      continue;
    }
    await updateUnit(db, unitIds.get(unit.name)!, unitInput.partial().parse({ supervisingUnitId: supervisorId }));
  }
}

async function addVehicle(db: Kysely<Database>, unitId: number, vehicle: DemoVehicle, counts: SeedCounts, logger: Logger) {
  const input = vehicleInput.parse({
    unitId,
    plate: vehicle.plate,
    brandModel: vehicle.brandModel,
    vehicleType: vehicle.vehicleType,
    usageNature: vehicle.usageNature,
    leaderRank: vehicle.leaderRank,
    remarks: vehicle.remarks,
  });
  let vehicleId: number;
  const existing = await db.selectFrom('vehicles').select('id').where('plate', '=', input.plate).executeTakeFirst();
  if (existing) {
    vehicleId = existing.id;
  } else {
    vehicleId = (await createVehicle(db, input)).id;
    counts.vehicles++;
  }

  if (vehicle.exemptReason || !vehicle.terminalPhone) return;
  if (await hasTerminal(db, vehicleId, vehicle.terminalPhone)) return;
  await createTerminal(db, terminalInput.parse({ phone: vehicle.terminalPhone, vehicleId, terminalModel: 'GC-SIM-1', manufacturerId: 'GCSIM' }));
  counts.terminals++;
  logger.debug({ plate: input.plate, phone: vehicle.terminalPhone }, 'demo terminal added');
}

/** True when the vehicle already has a terminal or the phone is taken by another terminal. */
async function hasTerminal(db: Kysely<Database>, vehicleId: number, phone: string): Promise<boolean> {
  const found = await db
    .selectFrom('terminals')
    .select('id')
    .where((eb) => eb.or([eb('vehicle_id', '=', vehicleId), eb('phone_key', '=', phoneKey(phone))]))
    .executeTakeFirst();
  return found !== undefined;
}
