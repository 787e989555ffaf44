import type { Kysely } from 'kysely';
import type { HeaderEdition } from '@gongche/jt808';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import { SimulatedFleet, type FleetMember } from './fleet.ts';
import { readLastFixes } from './start-positions.ts';

/** A running simulation that can be stopped. */
export interface Simulation {
  /** Number of simulated terminals. */
  terminals: number;
  stop(): Promise<void>;
}

/**
 * Reads up to `limit` terminals bound to a vehicle, in registry order, with their plates. With
 * `offlineSince`, only terminals not seen since that time (ms) are taken, so that a simulation
 * started beside a running one does not take over its terminals. With `phoneKeys` (phones without
 * leading zeros), only those terminals are taken.
 */
export async function readBoundTerminals(db: Kysely<Database>, limit: number, offlineSince?: number, phoneKeys?: readonly string[]): Promise<FleetMember[]> {
  let query = db
    .selectFrom('terminals')
    .innerJoin('vehicles', 'vehicles.id', 'terminals.vehicle_id')
    .select(['terminals.phone', 'terminals.edition', 'terminals.terminal_id', 'vehicles.plate', 'vehicles.id as vehicle_id'])
    .orderBy('terminals.id')
    .limit(limit);
  if (phoneKeys !== undefined) query = query.where('terminals.phone_key', 'in', phoneKeys.length > 0 ? [...phoneKeys] : ['']);
  if (offlineSince !== undefined) query = query.where((eb) => eb.or([eb('terminals.last_seen_at', 'is', null), eb('terminals.last_seen_at', '<', offlineSince)]));
  const rows = await query.execute();
  return rows.map((row) => {
    const member: FleetMember = { phone: row.phone, plate: row.plate, vehicleId: row.vehicle_id };
    if (row.edition === '2019' || row.edition === '2013') member.edition = row.edition satisfies HeaderEdition;
    // A terminal keeps the ID the registry has, so a restarted simulation does not look like a swapped device.
    if (row.terminal_id) member.terminalId = row.terminal_id;
    return member;
  });
}

/**
 * Sets each member's start to its vehicle's last stored fix, so that the rules do not take the
 * simulation's first report for a vehicle that moved while its terminal was silent
 * (device_jump_after_silence). Members whose vehicle has no valid fix start on their routes.
 */
export async function startFromLastFixes(store: Store, members: FleetMember[]): Promise<number> {
  const vehicleIds = members.flatMap((member) => (member.vehicleId === undefined ? [] : [member.vehicleId]));
  const fixes = await readLastFixes(store, vehicleIds);
  let placed = 0;
  for (const member of members) {
    const fix = member.vehicleId === undefined ? undefined : fixes.get(member.vehicleId);
    if (!fix) continue;
    member.startAt = fix;
    placed++;
  }
  return placed;
}

/**
 * Starts one simulated terminal per bound terminal of the store (at most `vehicles`), connected to
 * the gateway at host:port and reporting every `intervalS` seconds. With `store`, each vehicle
 * starts from its last stored fix (startFromLastFixes).
 */
export async function startDemoSimulation(options: {
  db: Kysely<Database>;
  /** The open store with its keyring, to read where each vehicle was last reported. */
  store?: Store;
  host: string;
  port: number;
  logger: Logger;
  vehicles: number;
  intervalS: number;
}): Promise<Simulation> {
  const members = await readBoundTerminals(options.db, options.vehicles);
  const logger = options.logger.child({ component: 'demo-simulation' });
  if (options.store) {
    const placed = await startFromLastFixes(options.store, members);
    logger.info({ terminals: members.length, fromLastFix: placed }, 'demo vehicles start from their last stored positions');
  }
  const fleet = new SimulatedFleet({
    host: options.host,
    port: options.port,
    members,
    edition: '2013',
    intervalS: options.intervalS,
    // The gateway already logs each terminal's connection, so the demo terminals log only problems.
    logger: logger.child({}, { level: 'warn' }),
  });
  fleet.start();
  logger.info({ terminals: members.length, intervalS: options.intervalS, port: options.port }, 'demo simulation started');
  return {
    terminals: members.length,
    async stop() {
      await fleet.stop();
      logger.info({ summary: fleet.summary() }, 'demo simulation stopped');
    },
  };
}
