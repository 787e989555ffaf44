import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { maxRadiusM } from '../places/draft.ts';
import { defaultPointRadiusM, maxDestinations, maxOrderDays, type OrderInput } from './model.ts';

export interface VehicleFact {
  id: number;
  plate: string;
  unitId: number;
  status: string;
}
export interface DriverFact {
  id: number;
  name: string;
  unitId: number;
  active: boolean;
  cardNumber: string | null;
}
export interface PlaceFact {
  id: number;
  name: string;
  unitId: number | null;
}

/** The registry rows an order refers to, in memory. */
export interface OrderLookups {
  vehicles: Map<number, VehicleFact>;
  drivers: Map<number, DriverFact>;
  places: Map<number, PlaceFact>;
  unitNames: Map<number, string>;
}

/** One problem of an order: the input field, the offending value and why. */
export interface OrderProblem {
  field: string;
  value: string | null;
  reason: string;
}

const dayMs = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Ids to load; omitted to load every vehicle, driver and place (for imports). */
export interface LookupIds {
  vehicleIds: number[];
  driverIds: number[];
  placeIds: number[];
}

// `in ()` is not valid SQL, so an empty id list matches the impossible id -1 instead.
const idList = (ids: number[]) => (ids.length > 0 ? ids : [-1]);

/** Loads the vehicles, drivers and places with the given ids, and every unit's name. */
export async function loadLookups(db: Kysely<Database>, ids?: LookupIds): Promise<OrderLookups> {
  let vehicles = db.selectFrom('vehicles').select(['id', 'plate', 'unit_id', 'status']);
  let drivers = db.selectFrom('drivers').select(['id', 'name', 'unit_id', 'active', 'ic_card_number']);
  let places = db.selectFrom('places').select(['id', 'name', 'unit_id']);
  if (ids) {
    vehicles = vehicles.where('id', 'in', idList(ids.vehicleIds));
    drivers = drivers.where('id', 'in', idList(ids.driverIds));
    places = places.where('id', 'in', idList(ids.placeIds));
  }
  const units = await db.selectFrom('units').select(['id', 'name']).execute();
  return {
    vehicles: new Map((await vehicles.execute()).map((v) => [v.id, { id: v.id, plate: v.plate, unitId: v.unit_id, status: v.status }])),
    drivers: new Map((await drivers.execute()).map((d) => [d.id, { id: d.id, name: d.name, unitId: d.unit_id, active: d.active === 1, cardNumber: d.ic_card_number }])),
    places: new Map((await places.execute()).map((p) => [p.id, { id: p.id, name: p.name, unitId: p.unit_id }])),
    unitNames: new Map(units.map((u) => [u.id, u.name])),
  };
}

/** Unit scope of the person ordering: undefined for every unit. */
export type OrderScope = readonly number[] | undefined;
const inOrderScope = (scope: OrderScope, unitId: number | null) => scope === undefined || unitId === null || scope.includes(unitId);

function windowProblems(input: OrderInput): OrderProblem[] {
  if (!Number.isFinite(input.start) || !Number.isFinite(input.end)) return [{ field: 'start', value: null, reason: 'missing or invalid start or end time' }];
  if (input.end <= input.start) {
    return [{ field: 'end', value: iso(input.end), reason: `end is not after start ${iso(input.start)}; the trip must end after it starts` }];
  }
  if (input.end - input.start > maxOrderDays * dayMs) {
    return [{ field: 'end', value: iso(input.end), reason: `the window is longer than ${maxOrderDays} days; split the trip into several orders` }];
  }
  return [];
}

function vehicleProblems(input: OrderInput, lookups: OrderLookups, scope: OrderScope): OrderProblem[] {
  const vehicle = lookups.vehicles.get(input.vehicleId);
  // A vehicle outside the scope gets the same error as a missing one, so ids of other units leak nothing.
  if (!vehicle || !inOrderScope(scope, vehicle.unitId)) {
    return [{ field: 'vehicleId', value: String(input.vehicleId), reason: 'unknown vehicle: no vehicle with this id among the vehicles of your unit(s); trips may be ordered only for your own units\' vehicles' }];
  }
  if (vehicle.status !== 'in_use') return [{ field: 'vehicleId', value: vehicle.plate, reason: `the vehicle is ${vehicle.status}, not in use; only vehicles in use may be ordered` }];
  return [];
}

function driverProblems(input: OrderInput, lookups: OrderLookups): OrderProblem[] {
  if (input.driverId === null) return [];
  const driver = lookups.drivers.get(input.driverId);
  const vehicle = lookups.vehicles.get(input.vehicleId);
  if (!driver) return [{ field: 'driverId', value: String(input.driverId), reason: 'unknown driver: register the driver first' }];
  if (!driver.active) return [{ field: 'driverId', value: driver.name, reason: 'the driver is inactive; choose an active driver' }];
  if (vehicle && driver.unitId !== vehicle.unitId) {
    const unit = lookups.unitNames.get(driver.unitId) ?? `unit ${driver.unitId}`;
    const vehicleUnit = lookups.unitNames.get(vehicle.unitId) ?? `unit ${vehicle.unitId}`;
    return [{ field: 'driverId', value: driver.name, reason: `the driver belongs to ${unit}, not to the vehicle's unit ${vehicleUnit}` }];
  }
  return [];
}

function destinationProblems(input: OrderInput, lookups: OrderLookups, scope: OrderScope): OrderProblem[] {
  const problems: OrderProblem[] = [];
  if (input.destinations.length === 0) problems.push({ field: 'destinations', value: null, reason: 'an order needs at least one destination (a place or a point)' });
  if (input.destinations.length > maxDestinations) problems.push({ field: 'destinations', value: String(input.destinations.length), reason: `at most ${maxDestinations} destinations per order` });
  input.destinations.forEach((destination, index) => {
    const field = `destinations.${index}`;
    if ('placeId' in destination) {
      const place = lookups.places.get(destination.placeId);
      if (!place || !inOrderScope(scope, place.unitId)) problems.push({ field, value: String(destination.placeId), reason: 'unknown place: no place with this id that you may use' });
      return;
    }
    const { name, latitude, longitude } = destination;
    const radiusM = destination.radiusM ?? defaultPointRadiusM;
    if (name.trim() === '') problems.push({ field: `${field}.name`, value: null, reason: 'a point destination needs a name' });
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) problems.push({ field, value: `${latitude},${longitude}`, reason: 'latitude must be within ±90 and longitude within ±180 degrees' });
    if (!(radiusM > 0 && radiusM <= maxRadiusM)) problems.push({ field: `${field}.radiusM`, value: String(radiusM), reason: `radius must be more than 0 and at most ${maxRadiusM} m` });
  });
  return problems;
}

/** Returns every problem of an order against the registry and the user's scope; empty when it may be stored. */
export function orderProblems(input: OrderInput, lookups: OrderLookups, scope: OrderScope): OrderProblem[] {
  const text = (field: 'applicant' | 'purpose', max: number): OrderProblem[] => {
    const value = input[field].trim();
    if (value === '') return [{ field, value: null, reason: `missing ${field}` }];
    return [...value].length > max ? [{ field, value: value.slice(0, 40), reason: `longer than ${max} characters` }] : [];
  };
  return [
    ...vehicleProblems(input, lookups, scope),
    ...driverProblems(input, lookups),
    ...text('applicant', 50),
    ...text('purpose', 500),
    ...windowProblems(input),
    ...destinationProblems(input, lookups, scope),
  ];
}
