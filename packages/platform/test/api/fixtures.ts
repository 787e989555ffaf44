import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.ts';

let dedupe = 0;

/** Inserts a unit, a vehicle and its terminal directly; returns their ids. */
export async function insertFleetVehicle(db: Kysely<Database>, unitName: string, plate: string, phone: string) {
  const now = Date.now();
  let unit = await db.selectFrom('units').select('id').where('name', '=', unitName).executeTakeFirst();
  unit ??= await db.insertInto('units').values({ name: unitName, category: 'other', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  const vehicle = await db.insertInto('vehicles').values({ unit_id: unit.id, plate, status: 'in_use', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  const terminal = await db
    .insertInto('terminals')
    .values({ phone, phone_key: phone.replace(/^0+/, ''), vehicle_id: vehicle.id, auth_code: 'SECRET-AUTH-CODE', legacy_auth_code: 'OLD-LEGACY-CODE', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { unitId: unit.id, vehicleId: vehicle.id, terminalId: terminal.id };
}

export interface PositionFixture {
  deviceTime: number | null;
  receivedAt?: number;
  latitude?: number;
  longitude?: number;
  valid?: boolean;
  invalidReason?: string;
}

/** Inserts positions (with the raw frame each needs) for one vehicle. */
export async function insertPositions(db: Kysely<Database>, ids: { vehicleId: number; terminalId: number }, positions: PositionFixture[]) {
  const frame = await db
    .insertInto('raw_frames')
    .values({ terminal_id: ids.terminalId, received_at: Date.now(), message_id: 0x0200, serial: 1, content: Buffer.from([0x02, 0x00]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const p of positions) {
    await db
      .insertInto('positions')
      .values({
        terminal_id: ids.terminalId,
        vehicle_id: ids.vehicleId,
        raw_frame_id: frame.id,
        device_time: p.deviceTime,
        received_at: p.receivedAt ?? p.deviceTime ?? Date.now(),
        latitude: p.latitude ?? 39.4677,
        longitude: p.longitude ?? 75.9938,
        altitude_m: 1290,
        speed_kmh: 36.5,
        course: 90,
        alarm: 0,
        status: 3,
        acc: 1,
        fixed: 1,
        batch_type: null,
        items: '[]',
        valid: p.valid === false ? 0 : 1,
        invalid_reason: p.valid === false ? (p.invalidReason ?? 'test') : null,
        dedupe_key: `test-${++dedupe}`,
      })
      .execute();
  }
}
