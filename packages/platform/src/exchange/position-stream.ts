import type { Store } from '../store/db.ts';
import { positionsWithFrames, sealedRow } from '../api/positions-query.ts';
import { PositionReader } from '../ingest/sealed-rows.ts';
import { requireKeyring } from '../crypto/setup.ts';

/** One position as a package carries it: decrypted, with its vehicle's plate. */
export interface PositionRecord {
  id: number;
  vehicleId: number | null;
  plate: string | null;
  terminalId: number;
  deviceTime: string | null;
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
  valid: boolean;
  invalidReason: string | null;
}

type Row = Awaited<ReturnType<ReturnType<typeof positionsWithFrames>['execute']>>[number];

/** Rows read per vehicle and query; the memory held is about this times the number of vehicles. */
const pageSize = 64;
const iso = (ms: number) => new Date(ms).toISOString();

/** Pages through one vehicle's positions with device time in [from, to), by the (vehicle_id, device_time) index. */
class VehicleCursor {
  readonly vehicleId: number | null;
  #rows: Row[] = [];
  #index = 0;
  #done = false;

  constructor(vehicleId: number | null) {
    this.vehicleId = vehicleId;
  }

  get current(): Row | undefined {
    return this.#rows[this.#index];
  }

  /** Moves to the next row, reading the next page when this one is used up; false at the end. */
  async next(store: Store, from: number, to: number): Promise<boolean> {
    this.#index += 1;
    if (this.#index < this.#rows.length) return true;
    if (this.#done) return false;
    const last = this.#rows.at(-1);
    let query = positionsWithFrames(store.db).where('device_time', '>=', from).where('device_time', '<', to);
    query = this.vehicleId === null ? query.where('vehicle_id', 'is', null) : query.where('vehicle_id', '=', this.vehicleId);
    if (last) query = query.where((eb) => eb.or([eb('device_time', '>', last.device_time!), eb.and([eb('device_time', '=', last.device_time!), eb('positions.id', '>', last.id)])]));
    this.#rows = await query.orderBy('device_time').orderBy('positions.id').limit(pageSize).execute();
    this.#index = 0;
    this.#done = this.#rows.length < pageSize;
    return this.#rows.length > 0;
  }
}

const before = (a: Row, b: Row) => a.device_time! < b.device_time! || (a.device_time === b.device_time && a.id < b.id);

/** A binary min-heap of cursors ordered by their current row's device time, then id. */
class CursorHeap {
  readonly items: VehicleCursor[] = [];

  push(cursor: VehicleCursor): void {
    const items = this.items;
    items.push(cursor);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!.current!, items[parent]!.current!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): VehicleCursor | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && before(items[left]!.current!, items[least]!.current!)) least = left;
        if (right < items.length && before(items[right]!.current!, items[least]!.current!)) least = right;
        if (least === i) break;
        [items[i], items[least]] = [items[least]!, items[i]!];
        i = least;
      }
    }
    return top;
  }
}

function toRecord(row: Row, reader: PositionReader, plates: Map<number, string>): PositionRecord {
  const values = reader.values(sealedRow(row));
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    plate: row.vehicle_id === null ? null : (plates.get(row.vehicle_id) ?? null),
    terminalId: row.terminal_id,
    deviceTime: row.device_time === null ? null : iso(row.device_time),
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
    valid: row.valid === 1,
    invalidReason: row.invalid_reason,
  };
}

/** A new reader every this many positions, because PositionReader keeps every decoded frame. */
const readerRecords = 4096;

/**
 * Yields the positions without a device time (an invalid BCD time) received in [from, to), by
 * vehicle and id: they have no place in device-time order, so they come first, as in the API.
 */
async function* untimedRows(store: Store, vehicleIds: (number | null)[], from: number, to: number): AsyncGenerator<Row> {
  for (const vehicleId of vehicleIds) {
    let lastId = 0;
    for (;;) {
      let query = positionsWithFrames(store.db).where('device_time', 'is', null).where('positions.received_at', '>=', from).where('positions.received_at', '<', to).where('positions.id', '>', lastId);
      query = vehicleId === null ? query.where('vehicle_id', 'is', null) : query.where('vehicle_id', '=', vehicleId);
      const rows = await query.orderBy('positions.id').limit(pageSize).execute();
      yield* rows;
      if (rows.length < pageSize) break;
      lastId = rows.at(-1)!.id;
    }
  }
}

/** Yields the positions with device time in [from, to) in device-time order (ties by id), merged across vehicles. */
async function* timedRows(store: Store, vehicleIds: (number | null)[], from: number, to: number): AsyncGenerator<Row> {
  const heap = new CursorHeap();
  for (const vehicleId of vehicleIds) {
    const cursor = new VehicleCursor(vehicleId);
    if (await cursor.next(store, from, to)) heap.push(cursor);
  }
  for (let cursor = heap.pop(); cursor; cursor = heap.pop()) {
    yield cursor.current!;
    if (await cursor.next(store, from, to)) heap.push(cursor);
  }
}

/**
 * Yields every position of the period, decrypted: first those without a device time received in
 * [from, to), then those with device time in [from, to) in device-time order across all vehicles
 * and unbound terminals. Each vehicle is read in pages along its (vehicle_id, device_time) index
 * and the pages are merged, so memory stays bounded however long the period is.
 */
export async function* periodPositions(store: Store, from: number, to: number): AsyncGenerator<PositionRecord> {
  const keyring = requireKeyring(store);
  const vehicles = await store.db.selectFrom('vehicles').select(['id', 'plate']).orderBy('id').execute();
  const plates = new Map(vehicles.map((v) => [v.id, v.plate]));
  const vehicleIds = [null, ...vehicles.map((v) => v.id)];
  let reader = new PositionReader(keyring);
  let count = 0;
  for (const rows of [untimedRows(store, vehicleIds, from, to), timedRows(store, vehicleIds, from, to)]) {
    for await (const row of rows) {
      if (++count % readerRecords === 0) reader = new PositionReader(keyring);
      yield toRecord(row, reader, plates);
    }
  }
}
