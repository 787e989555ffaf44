import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { OrderDestination, TripOrderFact } from '../rules/engine/types.ts';
import type { PlaceShape } from '../rules/places.ts';
import { shapeBox } from '../rules/places.ts';
import { distanceM } from '../ingest/geo.ts';

/**
 * Returns a circle around a place's shape: the circle itself, or the centre of a polygon's bounding
 * box with the distance to its farthest corner. Rules that need the exact shape use placeId.
 */
export function enclosingCircle(shape: PlaceShape): { latitude: number; longitude: number; radiusM: number } {
  if (shape.kind === 'circle') return { latitude: shape.latitude, longitude: shape.longitude, radiusM: shape.radiusM };
  const [minLon, minLat, maxLon, maxLat] = shapeBox(shape);
  const latitude = (minLat + maxLat) / 2;
  const longitude = (minLon + maxLon) / 2;
  const radiusM = Math.max(distanceM(latitude, longitude, minLat, minLon), distanceM(latitude, longitude, maxLat, maxLon));
  return { latitude, longitude, radiusM: Math.max(radiusM, 1) };
}

interface DestinationRow {
  order_id: number;
  place_id: number | null;
  name: string;
  latitude: number | null;
  longitude: number | null;
  radius_m: number | null;
  place_shape: string | null;
}

/** Turns a destination row into the rules' view; a place destination takes its circle from the place's current shape. */
export function destinationFromRow(row: DestinationRow): OrderDestination {
  if (row.place_id !== null && row.place_shape !== null) {
    return { placeId: row.place_id, name: row.name, ...enclosingCircle(JSON.parse(row.place_shape) as PlaceShape) };
  }
  return { placeId: row.place_id, name: row.name, latitude: row.latitude ?? 0, longitude: row.longitude ?? 0, radiusM: row.radius_m ?? 0 };
}

/** Reads the destinations of the given orders, grouped by order id in list order. */
export async function loadDestinations(db: Kysely<Database>, orderIds: readonly number[]): Promise<Map<number, OrderDestination[]>> {
  const byOrder = new Map<number, OrderDestination[]>(orderIds.map((id) => [id, []]));
  const chunk = 500;
  for (let i = 0; i < orderIds.length; i += chunk) {
    const rows = await db
      .selectFrom('trip_order_destinations as d')
      .leftJoin('places as p', 'p.id', 'd.place_id')
      .select(['d.order_id', 'd.place_id', 'd.name', 'd.latitude', 'd.longitude', 'd.radius_m', 'p.shape as place_shape'])
      .where('d.order_id', 'in', orderIds.slice(i, i + chunk))
      .orderBy('d.order_id')
      .orderBy('d.seq')
      .execute();
    for (const row of rows) byOrder.get(row.order_id)!.push(destinationFromRow(row));
  }
  return byOrder;
}

/** Approved orders whose window [start, end] overlaps [from, to] (inclusive), optionally of one vehicle, by start time. */
export async function loadApprovedOrders(
  db: Kysely<Database>,
  range: { vehicleId?: number; from: number; to: number },
): Promise<TripOrderFact[]> {
  let query = db
    .selectFrom('trip_orders')
    .select(['id', 'vehicle_id', 'driver_id', 'purpose', 'start_at', 'end_at', 'out_of_area', 'holiday_use'])
    .where('status', '=', 'approved')
    .where('start_at', '<=', range.to)
    .where('end_at', '>=', range.from);
  if (range.vehicleId !== undefined) query = query.where('vehicle_id', '=', range.vehicleId);
  const rows = await query.orderBy('start_at').orderBy('id').execute();
  const destinations = await loadDestinations(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    vehicleId: r.vehicle_id,
    driverId: r.driver_id,
    purpose: r.purpose,
    destinations: destinations.get(r.id) ?? [],
    start: r.start_at,
    end: r.end_at,
    outOfArea: r.out_of_area === 1,
    holidayUse: r.holiday_use === 1,
  }));
}
