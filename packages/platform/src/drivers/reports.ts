import type { Kysely } from 'kysely';
import type { DriverIdentity } from '@gongche/jt808';
import type { Database } from '../store/schema.ts';

/** Builds the row a 0x0702 report is stored as. The driver's ID card number stays only in the sealed frame. */
export function driverReportRow(body: DriverIdentity, ids: { terminalId: number; vehicleId: number | null; rawFrameId: number }, receivedAt: number) {
  const inserted = body.state === 1;
  const card = body.qualificationCode?.trim();
  const name = body.driverName?.trim();
  return {
    terminal_id: ids.terminalId,
    vehicle_id: ids.vehicleId,
    device_time: body.time ? body.time.getTime() : null,
    received_at: receivedAt,
    state: inserted ? 'in' : 'out',
    read_result: inserted ? (body.readResult ?? null) : null,
    card_number: card ? card : null,
    driver_name: name ? name : null,
    raw_frame_id: ids.rawFrameId,
  };
}

export interface DriverReportView {
  id: number;
  terminalId: number;
  vehicleId: number | null;
  deviceTime: string | null;
  receivedAt: string;
  state: 'in' | 'out';
  readResult: number | null;
  cardNumber: string | null;
  driverName: string | null;
  rawFrameId: number | null;
  /** The active registered driver with this card number in the vehicle's unit, if any. */
  driverId: number | null;
  /** True when the card belongs to an active driver of the vehicle's unit. */
  registered: boolean;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Reports of one vehicle received or timed in [from, to], newest first, each matched to a registered driver of the vehicle's unit. */
export async function listDriverReports(db: Kysely<Database>, filter: { vehicleId: number; from: number; to: number; limit: number }): Promise<DriverReportView[]> {
  const vehicle = await db.selectFrom('vehicles').select('unit_id').where('id', '=', filter.vehicleId).executeTakeFirst();
  const rows = await db
    .selectFrom('driver_reports as r')
    .leftJoin('drivers as d', (join) => join.onRef('d.ic_card_number', '=', 'r.card_number').on('d.unit_id', '=', vehicle?.unit_id ?? -1).on('d.active', '=', 1))
    .select(['r.id', 'r.terminal_id', 'r.vehicle_id', 'r.device_time', 'r.received_at', 'r.state', 'r.read_result', 'r.card_number', 'r.driver_name', 'r.raw_frame_id', 'd.id as driver_id'])
    .where('r.vehicle_id', '=', filter.vehicleId)
    .where((eb) => eb.or([eb.and([eb('r.device_time', '>=', filter.from), eb('r.device_time', '<=', filter.to)]), eb.and([eb('r.device_time', 'is', null), eb('r.received_at', '>=', filter.from), eb('r.received_at', '<=', filter.to)])]))
    .orderBy('r.received_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    terminalId: r.terminal_id,
    vehicleId: r.vehicle_id,
    deviceTime: iso(r.device_time),
    receivedAt: iso(r.received_at)!,
    state: r.state === 'out' ? 'out' : 'in',
    readResult: r.read_result,
    cardNumber: r.card_number,
    driverName: r.driver_name,
    rawFrameId: r.raw_frame_id,
    driverId: r.driver_id,
    registered: r.driver_id !== null,
  }));
}
