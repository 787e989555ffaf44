import type { Kysely, Selectable } from 'kysely';
import type { Database, PositionTable } from '../store/schema.ts';
import type { Store } from '../store/db.ts';
import { requireKeyring } from '../crypto/setup.ts';
import { PositionReader } from '../ingest/sealed-rows.ts';

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

type PositionRow = Selectable<PositionTable> & { f_terminal_id: number; f_message_id: number; f_serial: number; f_received_at: number; f_sealed: Buffer };

/** Selects positions with the columns of their raw frame that PositionReader needs. */
export function positionsWithFrames(db: Kysely<Database>) {
  return db
    .selectFrom('positions')
    .innerJoin('raw_frames as f', 'f.id', 'positions.raw_frame_id')
    .selectAll('positions')
    .select(['f.terminal_id as f_terminal_id', 'f.message_id as f_message_id', 'f.serial as f_serial', 'f.received_at as f_received_at', 'f.sealed as f_sealed']);
}

/** Returns the row in the shape PositionReader takes. */
export function sealedRow(row: PositionRow) {
  return {
    id: row.id,
    terminal_id: row.terminal_id,
    dedupe_key: row.dedupe_key,
    frame_index: row.frame_index,
    sealed: row.sealed,
    frame: { id: row.raw_frame_id, terminal_id: row.f_terminal_id, message_id: row.f_message_id, serial: row.f_serial, received_at: row.f_received_at, sealed: row.f_sealed },
  };
}

function toItem(row: PositionRow, reader: PositionReader): PositionItem {
  const values = reader.values(sealedRow(row));
  return {
    id: row.id,
    time: row.device_time === null ? null : iso(row.device_time),
    receivedAt: iso(row.received_at),
    latitude: values.latitude,
    longitude: values.longitude,
    altitudeM: values.altitudeM,
    speedKmh: values.speedKmh,
    course: values.course,
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
export async function readPositions(store: Store, range: PositionRange): Promise<{ items: PositionItem[]; truncated: boolean }> {
  const reader = new PositionReader(requireKeyring(store));
  let query = positionsWithFrames(store.db).where('vehicle_id', '=', range.vehicleId);
  if (range.includeInvalid) {
    query = query.where((eb) =>
      eb.or([
        eb.and([eb('device_time', '>=', range.from), eb('device_time', '<', range.to)]),
        eb.and([eb('device_time', 'is', null), eb('positions.received_at', '>=', range.from), eb('positions.received_at', '<', range.to)]),
      ]),
    );
  } else {
    query = query.where('device_time', '>=', range.from).where('device_time', '<', range.to).where('valid', '=', 1);
  }
  const rows = await query.orderBy('device_time').orderBy('positions.id').limit(range.limit + 1).execute();
  const truncated = rows.length > range.limit;
  return { items: rows.slice(0, range.limit).map((row) => toItem(row, reader)), truncated };
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
