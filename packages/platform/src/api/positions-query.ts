import type { Kysely, Selectable } from 'kysely';
import type { Database, PositionTable } from '../store/schema.ts';

export interface PositionRange {
  vehicleId: number;
  from: number;
  to: number;
  includeInvalid: boolean;
  limit: number;
}

export interface PositionItem {
  id: number;
  time: string | null;
  receivedAt: string;
  latitude: number;
  longitude: number;
  altitudeM: number;
  speedKmh: number;
  course: number;
  acc: boolean;
  fixed: boolean;
  alarm: number;
  status: number;
  batchType: number | null;
  valid: boolean;
  invalidReason: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function toItem(row: Selectable<PositionTable>): PositionItem {
  return {
    id: row.id,
    time: row.device_time === null ? null : iso(row.device_time),
    receivedAt: iso(row.received_at),
    latitude: row.latitude,
    longitude: row.longitude,
    altitudeM: row.altitude_m,
    speedKmh: row.speed_kmh,
    course: row.course,
    acc: row.acc === 1,
    fixed: row.fixed === 1,
    alarm: Number(row.alarm),
    status: Number(row.status),
    batchType: row.batch_type,
    valid: row.valid === 1,
    invalidReason: row.invalid_reason,
  };
}

/**
 * Reads a vehicle's positions with device time in [from, to), ordered by device time and id.
 * With includeInvalid, positions without a device time whose receipt falls in the range come
 * first (SQLite sorts null first). Returns at most `limit` items and whether more exist.
 */
export async function readPositions(db: Kysely<Database>, range: PositionRange): Promise<{ items: PositionItem[]; truncated: boolean }> {
  let query = db.selectFrom('positions').selectAll().where('vehicle_id', '=', range.vehicleId);
  if (range.includeInvalid) {
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('device_time', '>=', range.from), eb('device_time', '<', range.to)]),
        eb.and([eb('device_time', 'is', null), eb('received_at', '>=', range.from), eb('received_at', '<', range.to)]),
      ]),
    );
  } else {
    query = query.where('device_time', '>=', range.from).where('device_time', '<', range.to).where('valid', '=', 1);
  }
  const rows = await query.orderBy('device_time').orderBy('id').limit(range.limit + 1).execute();
  const truncated = rows.length > range.limit;
  return { items: rows.slice(0, range.limit).map(toItem), truncated };
}

interface GeoJsonFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: [number, number][] } | { type: 'Point'; coordinates: [number, number] } | null;
  properties: Record<string, unknown>;
}

/**
 * Builds a GeoJSON (RFC 7946) FeatureCollection: one track feature whose LineString joins the valid
 * fixes (geometry null when there are fewer than two, as a LineString needs two), then one Point per position.
 */
export function toGeoJson(vehicle: { id: number; plate: string }, items: PositionItem[], truncated: boolean) {
  const track = items.filter((item) => item.valid && item.fixed);
  const line: GeoJsonFeature = {
    type: 'Feature',
    geometry: track.length < 2 ? null : { type: 'LineString', coordinates: track.map((item) => [item.longitude, item.latitude]) },
    properties: { kind: 'track', vehicleId: vehicle.id, plate: vehicle.plate, points: track.length },
  };
  const points: GeoJsonFeature[] = items.map(({ longitude, latitude, ...rest }) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [longitude, latitude] },
    properties: { kind: 'position', ...rest },
  }));
  return { type: 'FeatureCollection' as const, truncated, features: [line, ...points] };
}
