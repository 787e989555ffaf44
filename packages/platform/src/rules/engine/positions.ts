import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { PositionReader } from '../../ingest/sealed-rows.ts';
import { positionsWithFrames, sealedRow } from '../../api/positions-query.ts';
import type { RuleFix } from './types.ts';

type PositionRow = Awaited<ReturnType<ReturnType<typeof positionsWithFrames>['execute']>>[number];

/** The 0x0704 batch type of a blind-area upload (1); type 0 is a normal batch of reports. */
const blindAreaBatchType = 1;

/** Decodes a stored position into a fix; null for a position without a device time or a vehicle, which cannot be placed in order. */
export function toRuleFix(row: PositionRow, reader: PositionReader): RuleFix | null {
  if (row.device_time === null || row.vehicle_id === null) return null;
  const values = reader.values(sealedRow(row));
  return {
    positionId: row.id,
    rawFrameId: row.raw_frame_id,
    terminalId: row.terminal_id,
    time: row.device_time,
    receivedAt: row.received_at,
    latitude: values.latitude,
    longitude: values.longitude,
    speedKmh: values.speedKmh,
    acc: row.acc === 1,
    alarm: Number(row.alarm),
    status: Number(row.status),
    fixed: row.fixed === 1,
    valid: row.valid === 1,
    blindArea: row.batch_type === blindAreaBatchType,
    late: false,
  };
}

/** Reads the next positions after a position id, in id (commit) order. */
export function positionsAfter(db: Kysely<Database>, afterId: number, limit: number) {
  return positionsWithFrames(db).where('positions.id', '>', afterId).orderBy('positions.id').limit(limit).execute();
}

/** Reads a vehicle's positions after an order key (device time, id) and up to a position id, in device-time order. */
export function vehiclePositionsAfter(db: Kysely<Database>, vehicleId: number, after: { time: number; positionId: number } | null, upToId: number, from?: number) {
  let query = positionsWithFrames(db).where('positions.vehicle_id', '=', vehicleId).where('positions.id', '<=', upToId).where('positions.device_time', 'is not', null);
  if (after) {
    const { time, positionId } = after;
    query = query.where((eb) => eb.or([eb('positions.device_time', '>', time), eb.and([eb('positions.device_time', '=', time), eb('positions.id', '>', positionId)])]));
  }
  if (from !== undefined) query = query.where('positions.device_time', '>=', from);
  return query.orderBy('positions.device_time').orderBy('positions.id').execute();
}

/** Reads a vehicle's (or every vehicle's) positions with device time in [from, to), in vehicle then device-time order, for replay. */
export function positionsBetween(db: Kysely<Database>, range: { from: number; to: number; vehicleId?: number | undefined }, afterKey: { vehicleId: number; time: number; positionId: number } | null, limit: number) {
  let query = positionsWithFrames(db).where('positions.vehicle_id', 'is not', null).where('positions.device_time', '>=', range.from).where('positions.device_time', '<', range.to);
  if (range.vehicleId !== undefined) query = query.where('positions.vehicle_id', '=', range.vehicleId);
  if (afterKey) {
    const { vehicleId, time, positionId } = afterKey;
    query = query.where((eb) =>
      eb.or([
        eb('positions.vehicle_id', '>', vehicleId),
        eb.and([eb('positions.vehicle_id', '=', vehicleId), eb('positions.device_time', '>', time)]),
        eb.and([eb('positions.vehicle_id', '=', vehicleId), eb('positions.device_time', '=', time), eb('positions.id', '>', positionId)]),
      ]),
    );
  }
  return query.orderBy('positions.vehicle_id').orderBy('positions.device_time').orderBy('positions.id').limit(limit).execute();
}
