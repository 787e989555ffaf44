import type { Kysely } from 'kysely';
import { decodeFrame, encodeMessage } from '@gongche/jt808';
import type { Database } from '../../src/store/schema.ts';
import type { Store } from '../../src/store/db.ts';
import { requireKeyring } from '../../src/crypto/setup.ts';
import { frameAad } from '../../src/ingest/sealed-rows.ts';
import { position } from '../helpers/positions.ts';

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

/** Inserts positions for one vehicle, each with a real sealed 0x0200 frame as ingest stores it. */
export async function insertPositions(store: Store, ids: { vehicleId: number; terminalId: number }, positions: PositionFixture[]) {
  const sealer = requireKeyring(store).sealer();
  for (const p of positions) {
    const serial = ++dedupe & 0xffff;
    const receivedAt = p.receivedAt ?? p.deviceTime ?? Date.now();
    // BCD times have whole seconds; the position row keeps the exact time the test asked for.
    const time = new Date(Math.floor((p.deviceTime ?? receivedAt) / 1000) * 1000);
    const body = position({ time, latitude: p.latitude ?? 39.4677, longitude: p.longitude ?? 75.9938, altitudeM: 1290, speedKmh: 36.5, course: 90 });
    const { content } = decodeFrame(encodeMessage({ edition: '2013', phone: '013900000000', serial }, { messageId: 0x0200, body }));
    const frame = await store.db
      .insertInto('raw_frames')
      .values({ terminal_id: ids.terminalId, received_at: receivedAt, message_id: 0x0200, serial, sealed: sealer.seal(content, frameAad(ids.terminalId, 0x0200, serial, receivedAt)) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('positions')
      .values({
        terminal_id: ids.terminalId,
        vehicle_id: ids.vehicleId,
        raw_frame_id: frame.id,
        frame_index: 0,
        device_time: p.deviceTime,
        received_at: receivedAt,
        alarm: 0,
        status: 3,
        acc: 1,
        fixed: 1,
        batch_type: null,
        sealed: null,
        valid: p.valid === false ? 0 : 1,
        invalid_reason: p.valid === false ? (p.invalidReason ?? 'test') : null,
        dedupe_key: `test-${serial}`,
      })
      .execute();
  }
}
