import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

/** The driver signed in on a vehicle, whose newest 0x0702 report is a card insertion. */
export interface CurrentDriver {
  /** Time of the sign-in: device time, or receipt time when the terminal sent no valid time. */
  since: string;
  /** Number read from the IC card (the qualification certificate code), or null when the card could not be read. */
  cardNumber: string | null;
  /** Name read from the IC card. */
  cardName: string | null;
  /** Card read result: 0 success, 1-4 failures (JT/T 808 0x0702). */
  readResult: number | null;
  /** The active registered driver of the vehicle's unit with this card, if any. */
  driver: { id: number; name: string; icCardNumber: string | null } | null;
}

const reportTime = sql<number>`coalesce(device_time, received_at)`;

/**
 * Finds the driver signed in on the vehicle. That is its newest driver identity report (by
 * device time, or receipt time when the terminal sent none) if the report is a card insertion.
 * Returns null when the newest report is a removal or there is none. With `before` (UTC ms),
 * only earlier reports count, which is how users with a delayed view of the vehicle see it.
 */
export async function findCurrentDriver(db: Kysely<Database>, vehicle: { id: number; unitId: number }, before?: number): Promise<CurrentDriver | null> {
  let query = db
    .selectFrom('driver_reports')
    .select(['state', 'read_result', 'card_number', 'driver_name', reportTime.as('time')])
    .where('vehicle_id', '=', vehicle.id)
    .orderBy(reportTime, 'desc')
    .orderBy('id', 'desc')
    .limit(1);
  if (before !== undefined) query = query.where(reportTime, '<', before);
  const report = await query.executeTakeFirst();
  if (!report || report.state !== 'in') return null;

  const driver = report.card_number === null
    ? undefined
    : await db
        .selectFrom('drivers')
        .select(['id', 'name', 'ic_card_number'])
        .where('ic_card_number', '=', report.card_number)
        .where('unit_id', '=', vehicle.unitId)
        .where('active', '=', 1)
        .executeTakeFirst();
  return {
    since: new Date(report.time).toISOString(),
    cardNumber: report.card_number,
    cardName: report.driver_name,
    readResult: report.read_result,
    driver: driver ? { id: driver.id, name: driver.name, icCardNumber: driver.ic_card_number } : null,
  };
}
