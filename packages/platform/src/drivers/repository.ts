import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** A driver identity report (0x0702) as the rules see it; time is device time, or receipt time when the device sent none. */
export type DriverReport = { time: number; cardNumber: string | null; driverName: string | null; state: 'in' | 'out'; rawFrameId: number | null };

/** Unit id → IC card numbers of its active registered drivers. */
export async function loadUnitDriverCards(db: Kysely<Database>): Promise<Map<number, Set<string>>> {
  const rows = await db
    .selectFrom('drivers')
    .select(['unit_id', 'ic_card_number'])
    .where('active', '=', 1)
    .where('ic_card_number', 'is not', null)
    .execute();
  const cards = new Map<number, Set<string>>();
  for (const row of rows) {
    let set = cards.get(row.unit_id);
    if (!set) cards.set(row.unit_id, (set = new Set()));
    set.add(row.ic_card_number!);
  }
  return cards;
}

/** Driver identity reports of a vehicle with time in [from, to] (inclusive), in time order. */
export async function loadDriverReports(db: Kysely<Database>, range: { vehicleId: number; from: number; to: number }): Promise<DriverReport[]> {
  const rows = await db
    .selectFrom('driver_reports')
    .select(['id', 'device_time', 'received_at', 'card_number', 'driver_name', 'state', 'raw_frame_id'])
    .where('vehicle_id', '=', range.vehicleId)
    .where((eb) =>
      eb.or([
        eb.and([eb('device_time', '>=', range.from), eb('device_time', '<=', range.to)]),
        eb.and([eb('device_time', 'is', null), eb('received_at', '>=', range.from), eb('received_at', '<=', range.to)]),
      ]),
    )
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      report: {
        time: r.device_time ?? r.received_at,
        cardNumber: r.card_number,
        driverName: r.driver_name,
        state: r.state === 'out' ? ('out' as const) : ('in' as const),
        rawFrameId: r.raw_frame_id,
      },
    }))
    .sort((a, b) => a.report.time - b.report.time || a.id - b.id)
    .map((r) => r.report);
}

/** Approved duty roster entries with local date in [from, to] (YYYY-MM-DD, inclusive), by date then vehicle. */
export async function loadDutyRoster(db: Kysely<Database>, range: { from: string; to: string }): Promise<{ vehicleId: number; date: string }[]> {
  const rows = await db
    .selectFrom('duty_rosters')
    .select(['vehicle_id', 'date'])
    .where('status', '=', 'approved')
    .where('date', '>=', range.from)
    .where('date', '<=', range.to)
    .orderBy('date')
    .orderBy('vehicle_id')
    .execute();
  return rows.map((r) => ({ vehicleId: r.vehicle_id, date: r.date }));
}
