import type SqliteDatabase from 'better-sqlite3';
import type { TripRecord } from './evaluator.ts';

/** Prepared statements of the engine's tables, on the connection of the thread that evaluates. */
export class EnginePersistence {
  readonly #sqlite: SqliteDatabase.Database;
  readonly #readCursor: SqliteDatabase.Statement;
  readonly #writeCursor: SqliteDatabase.Statement;
  readonly #readState: SqliteDatabase.Statement;
  readonly #writeState: SqliteDatabase.Statement;
  readonly #checkpointBefore: SqliteDatabase.Statement;
  readonly #anyCheckpoint: SqliteDatabase.Statement;
  readonly #writeCheckpoint: SqliteDatabase.Statement;
  readonly #dropCheckpointsAfter: SqliteDatabase.Statement;
  readonly #pruneCheckpoints: SqliteDatabase.Statement;
  readonly #upsertTrip: SqliteDatabase.Statement;
  readonly #dropTripsDecidedAfter: SqliteDatabase.Statement;

  constructor(sqlite: SqliteDatabase.Database) {
    this.#sqlite = sqlite;

    this.#readCursor = sqlite.prepare('SELECT position_id FROM rule_cursor WHERE name = ?');
    this.#writeCursor = sqlite.prepare('INSERT INTO rule_cursor (name, position_id, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET position_id = excluded.position_id, updated_at = excluded.updated_at');
    this.#readState = sqlite.prepare('SELECT state FROM rule_vehicle_states WHERE vehicle_id = ?');
    this.#writeState = sqlite.prepare(
      'INSERT INTO rule_vehicle_states (vehicle_id, state, last_time, last_position_id, updated_at) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (vehicle_id) DO UPDATE SET state = excluded.state, last_time = excluded.last_time, last_position_id = excluded.last_position_id, updated_at = excluded.updated_at',
    );

    this.#checkpointBefore = sqlite.prepare(
      'SELECT time, position_id, state FROM rule_checkpoints WHERE vehicle_id = ? AND (time < ? OR (time = ? AND position_id < ?)) ORDER BY time DESC, position_id DESC LIMIT 1',
    );
    this.#anyCheckpoint = sqlite.prepare('SELECT 1 FROM rule_checkpoints WHERE vehicle_id = ? LIMIT 1');
    this.#writeCheckpoint = sqlite.prepare('INSERT OR REPLACE INTO rule_checkpoints (vehicle_id, time, position_id, state, created_at) VALUES (?, ?, ?, ?, ?)');
    this.#dropCheckpointsAfter = sqlite.prepare('DELETE FROM rule_checkpoints WHERE vehicle_id = ? AND (time > ? OR (time = ? AND position_id > ?))');
    this.#pruneCheckpoints = sqlite.prepare('DELETE FROM rule_checkpoints WHERE vehicle_id = ? AND time < ?');

    this.#upsertTrip = sqlite.prepare(`
      INSERT INTO trips (vehicle_id, unit_id, start_time, end_time, distance_m, max_distance_from_home_m, left_boundary,
        from_latitude, from_longitude, to_latitude, to_longitude, from_place_ids, to_place_ids, first_position_id, last_position_id,
        raw_frame_ids, driver_cards, order_id, verdict, reason_code, late, decided_at, created_at, updated_at)
      VALUES (@vehicle_id, @unit_id, @start_time, @end_time, @distance_m, @max_distance_from_home_m, @left_boundary,
        @from_latitude, @from_longitude, @to_latitude, @to_longitude, @from_place_ids, @to_place_ids, @first_position_id, @last_position_id,
        @raw_frame_ids, @driver_cards, @order_id, @verdict, @reason_code, @late, @decided_at, @now, @now)
      ON CONFLICT (vehicle_id, start_time) DO UPDATE SET unit_id = excluded.unit_id, end_time = excluded.end_time, distance_m = excluded.distance_m,
        max_distance_from_home_m = excluded.max_distance_from_home_m, left_boundary = excluded.left_boundary,
        from_latitude = excluded.from_latitude, from_longitude = excluded.from_longitude, to_latitude = excluded.to_latitude, to_longitude = excluded.to_longitude,
        from_place_ids = excluded.from_place_ids, to_place_ids = excluded.to_place_ids, first_position_id = excluded.first_position_id,
        last_position_id = excluded.last_position_id, raw_frame_ids = excluded.raw_frame_ids, driver_cards = excluded.driver_cards,
        order_id = excluded.order_id, verdict = excluded.verdict, reason_code = excluded.reason_code, late = max(trips.late, excluded.late),
        decided_at = excluded.decided_at, updated_at = excluded.updated_at
      RETURNING id`);
    this.#dropTripsDecidedAfter = sqlite.prepare('DELETE FROM trips WHERE vehicle_id = ? AND decided_at > ?');
  }

  /** Runs work in one transaction that takes the write lock at its start, so that it never has to upgrade a stale read snapshot. */
  transaction<T>(work: () => T): T {
    return this.#sqlite.transaction(work).immediate();
  }

  cursor(name: string): number {
    const row = this.#readCursor.get(name) as { position_id: number } | undefined;
    return row?.position_id ?? 0;
  }

  setCursor(name: string, positionId: number, now: number): void {
    this.#writeCursor.run(name, positionId, now);
  }

  state(vehicleId: number): string | null {
    const row = this.#readState.get(vehicleId) as { state: string } | undefined;
    return row?.state ?? null;
  }

  saveState(vehicleId: number, state: string, lastTime: number, lastPositionId: number, now: number): void {
    this.#writeState.run(vehicleId, state, lastTime, lastPositionId, now);
  }

  /** Returns the latest checkpoint whose order key is before (time, positionId). */
  checkpointBefore(vehicleId: number, time: number, positionId: number): { time: number; positionId: number; state: string } | null {
    const row = this.#checkpointBefore.get(vehicleId, time, time, positionId) as { time: number; position_id: number; state: string } | undefined;
    return row ? { time: row.time, positionId: row.position_id, state: row.state } : null;
  }

  hasCheckpoints(vehicleId: number): boolean {
    return this.#anyCheckpoint.get(vehicleId) !== undefined;
  }

  saveCheckpoint(vehicleId: number, time: number, positionId: number, state: string, now: number): void {
    this.#writeCheckpoint.run(vehicleId, time, positionId, state, now);
  }

  /** Deletes the checkpoints after an order key (null: all of the vehicle's), which a re-evaluation from there writes again. */
  dropCheckpointsAfter(vehicleId: number, key: { time: number; positionId: number } | null): void {
    if (key) this.#dropCheckpointsAfter.run(vehicleId, key.time, key.time, key.positionId);
    else this.#dropCheckpointsAfter.run(vehicleId, -Infinity, -Infinity, 0);
  }

  pruneCheckpoints(vehicleId: number, before: number): void {
    this.#pruneCheckpoints.run(vehicleId, before);
  }

  /** Deletes the trips decided after a device time, which a re-evaluation from there decides again. */
  dropTripsDecidedAfter(vehicleId: number, time: number): void {
    this.#dropTripsDecidedAfter.run(vehicleId, time);
  }

  /** Inserts a trip, or updates the vehicle's trip with the same start; returns its id. */
  saveTrip(record: TripRecord, now: number): number {
    const { trip } = record;
    const row = this.#upsertTrip.get({
      vehicle_id: record.vehicleId,
      unit_id: record.unitId,
      start_time: trip.start,
      end_time: trip.end,
      distance_m: trip.distanceM,
      max_distance_from_home_m: trip.maxDistanceFromHomeM,
      left_boundary: trip.leftBoundary ? 1 : 0,
      from_latitude: trip.fromStop?.latitude ?? null,
      from_longitude: trip.fromStop?.longitude ?? null,
      to_latitude: trip.toStop.latitude,
      to_longitude: trip.toStop.longitude,
      from_place_ids: JSON.stringify(trip.fromStop?.places.map((m) => m.place.id) ?? []),
      to_place_ids: JSON.stringify(trip.toStop.places.map((m) => m.place.id)),
      first_position_id: trip.firstPositionId,
      last_position_id: trip.lastPositionId,
      raw_frame_ids: JSON.stringify(trip.rawFrameIds),
      driver_cards: JSON.stringify(trip.driverCards),
      order_id: trip.order?.id ?? null,
      verdict: trip.verdict,
      reason_code: record.reason,
      late: record.late ? 1 : 0,
      decided_at: record.decidedAt,
      now,
    }) as { id: number };
    return row.id;
  }
}
