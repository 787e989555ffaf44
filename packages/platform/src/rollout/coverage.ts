import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/**
 * One unit's installation coverage over its whole fleet, whatever batch or work order brought the
 * terminal. A vehicle is in service unless it is disposed (in use and sealed vehicles count).
 * Vehicles on the exempt list of an issued reply letter have an approved exemption and leave the
 * denominator. A vehicle counts as installed when its bound terminal has sent at least one valid
 * position while bound to it, the plan's test of an installed terminal.
 */
export interface CoverageRow {
  unitId: number;
  unitName: string;
  /** Vehicles in service: every vehicle of the unit that is not disposed. */
  inService: number;
  /** Vehicles in service with an approved exemption (on the exempt list of an issued reply letter). */
  exempt: number;
  /** inService − exempt: the vehicles that must carry a terminal. */
  shouldEquip: number;
  /** Vehicles to equip whose bound terminal has sent a valid position while bound to them. */
  installed: number;
  /** Vehicles to equip with a bound terminal that has not sent a valid position yet. */
  awaitingPosition: number;
  /** Vehicles to equip without a bound terminal. */
  noTerminal: number;
  /** Coverage rate installed / shouldEquip from 0 to 1, or null when the unit has no vehicle to equip. */
  rate: number | null;
}

/** Returns the vehicles whose bound terminal has sent a valid position while bound to them. */
export async function installedVehicleIds(db: Kysely<Database>, vehicleIds: readonly number[]): Promise<Set<number>> {
  if (vehicleIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('terminals as t')
    .select('t.vehicle_id')
    .where('t.vehicle_id', 'in', vehicleIds)
    .where(({ exists, selectFrom }) =>
      // positions_vehicle_time starts with vehicle_id, so each probe stops at the first valid row.
      exists(selectFrom('positions as p').select('p.id').whereRef('p.vehicle_id', '=', 't.vehicle_id').whereRef('p.terminal_id', '=', 't.id').where('p.valid', '=', 1)),
    )
    .execute();
  return new Set(rows.map((row) => row.vehicle_id!));
}

/** Returns the vehicles with an approved exemption: those on the exempt list of any issued reply letter. */
export async function exemptVehicleIds(db: Kysely<Database>): Promise<Set<number>> {
  const letters = await db.selectFrom('rollout_letters').select('content').execute();
  const ids = new Set<number>();
  for (const letter of letters) {
    const content = JSON.parse(letter.content) as { exempt?: { vehicleId: number }[] };
    for (const vehicle of content.exempt ?? []) ids.add(vehicle.vehicleId);
  }
  return ids;
}

/** Computes the installation coverage of every unit with a vehicle in service, or of the given units only. */
export async function installationCoverage(db: Kysely<Database>, unitIds?: readonly number[]): Promise<CoverageRow[]> {
  if (unitIds !== undefined && unitIds.length === 0) return [];
  let query = db
    .selectFrom('vehicles as v')
    .innerJoin('units as u', 'u.id', 'v.unit_id')
    .leftJoin('terminals as t', 't.vehicle_id', 'v.id')
    .select(['v.id', 'v.unit_id', 'u.name', 't.id as terminal_id'])
    .where('v.status', '!=', 'disposed');
  if (unitIds !== undefined) query = query.where('v.unit_id', 'in', unitIds);
  const vehicles = await query.execute();
  const exempt = await exemptVehicleIds(db);
  const installed = await installedVehicleIds(db, vehicles.map((v) => v.id));

  const rows = new Map<number, CoverageRow>();
  for (const vehicle of vehicles) {
    let row = rows.get(vehicle.unit_id);
    if (!row) {
      row = { unitId: vehicle.unit_id, unitName: vehicle.name, inService: 0, exempt: 0, shouldEquip: 0, installed: 0, awaitingPosition: 0, noTerminal: 0, rate: null };
      rows.set(vehicle.unit_id, row);
    }
    row.inService++;
    if (exempt.has(vehicle.id)) row.exempt++;
    else if (installed.has(vehicle.id)) row.installed++;
    else if (vehicle.terminal_id !== null) row.awaitingPosition++;
    else row.noTerminal++;
  }
  for (const row of rows.values()) {
    row.shouldEquip = row.inService - row.exempt;
    row.rate = row.shouldEquip === 0 ? null : row.installed / row.shouldEquip;
  }
  return [...rows.values()].sort((a, b) => a.unitId - b.unitId);
}

/**
 * Returns the vehicles of an install list that count as installed for acceptance and the bulletin.
 * A vehicle with a work order counts once the order is completed. A vehicle without one counts
 * when its bound terminal has sent a valid position, because work orders skip vehicles that
 * already have a terminal.
 */
export async function rolloutInstalledIds(db: Kysely<Database>, vehicleIds: readonly number[]): Promise<Set<number>> {
  if (vehicleIds.length === 0) return new Set();
  const orders = await db.selectFrom('rollout_work_orders').select(['vehicle_id', 'state']).where('vehicle_id', 'in', vehicleIds).execute();
  const ordered = new Set(orders.map((order) => order.vehicle_id));
  const result = new Set(orders.filter((order) => order.state === 'completed').map((order) => order.vehicle_id));
  for (const id of await installedVehicleIds(db, vehicleIds.filter((id) => !ordered.has(id)))) result.add(id);
  return result;
}
