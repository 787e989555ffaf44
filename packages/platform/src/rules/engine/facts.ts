import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Place } from '../places.ts';
import type { TripOrderFact } from './types.ts';
import { loadPlaces } from '../../places/repository.ts';
import { loadApprovedOrders } from '../../orders/repository.ts';
import { loadDriverReports, loadDutyRoster, loadUnitDriverCards, type DriverReport } from '../../drivers/repository.ts';

export type { DriverReport };

/** The readers of places, orders and drivers that the engine needs. */
export interface FactReaders {
  loadPlaces(db: Kysely<Database>): Promise<Place[]>;
  loadApprovedOrders(db: Kysely<Database>, range: { vehicleId?: number; from: number; to: number }): Promise<TripOrderFact[]>;
  loadUnitDriverCards(db: Kysely<Database>): Promise<Map<number, Set<string>>>;
  loadDriverReports(db: Kysely<Database>, range: { vehicleId: number; from: number; to: number }): Promise<DriverReport[]>;
  loadDutyRoster(db: Kysely<Database>, range: { from: string; to: string }): Promise<{ vehicleId: number; date: string }[]>;
}

/** The fact readers of the places, orders and drivers repositories. */
export const factReaders: FactReaders = { loadPlaces, loadApprovedOrders, loadUnitDriverCards, loadDriverReports, loadDutyRoster };
