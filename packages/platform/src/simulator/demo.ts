import type { Kysely } from 'kysely';
import type { HeaderEdition } from '@gongche/jt808';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../logger.ts';
import { SimulatedFleet, type FleetMember } from './fleet.ts';

/** A running simulation that can be stopped. */
export interface Simulation {
  stop(): Promise<void>;
}

/** Reads up to `limit` terminals bound to a vehicle, in registry order, with their plates. */
export async function readBoundTerminals(db: Kysely<Database>, limit: number): Promise<FleetMember[]> {
  const rows = await db
    .selectFrom('terminals')
    .innerJoin('vehicles', 'vehicles.id', 'terminals.vehicle_id')
    .select(['terminals.phone', 'terminals.edition', 'vehicles.plate'])
    .orderBy('terminals.id')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const member: FleetMember = { phone: row.phone, plate: row.plate };
    if (row.edition === '2019' || row.edition === '2013') member.edition = row.edition satisfies HeaderEdition;
    return member;
  });
}

/**
 * Starts one simulated terminal per bound terminal of the store (at most `vehicles`), connected to
 * the gateway at host:port and reporting every `intervalS` seconds.
 */
export async function startDemoSimulation(options: {
  db: Kysely<Database>;
  host: string;
  port: number;
  logger: Logger;
  vehicles: number;
  intervalS: number;
}): Promise<Simulation> {
  const members = await readBoundTerminals(options.db, options.vehicles);
  const logger = options.logger.child({ component: 'demo-simulation' });
  const fleet = new SimulatedFleet({
    host: options.host,
    port: options.port,
    members,
    edition: '2013',
    intervalS: options.intervalS,
    logger,
  });
  fleet.start();
  logger.info({ terminals: members.length, intervalS: options.intervalS, port: options.port }, 'demo simulation started');
  return {
    async stop() {
      await fleet.stop();
      logger.info({ summary: fleet.summary() }, 'demo simulation stopped');
    },
  };
}
