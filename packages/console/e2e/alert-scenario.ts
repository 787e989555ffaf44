import { createPlace } from '../../platform/src/places/repository.ts';
import { ScriptedTerminal, toPosition, type FixSpec } from '../../platform/test/helpers/rules-harness.ts';
import { circle, drive, endOf, kashgar, park, square } from '../../platform/test/helpers/rule-fixes.ts';
import type { TestServer } from './harness.ts';

export interface HotelStop {
  unitId: number;
  vehicleId: number;
  plate: string;
  placeName: string;
  terminal: ScriptedTerminal;
}

export const hotelName = '喀什某宾馆（测试）';

/**
 * Registers a general-purpose car with a terminal in a unit, a hotel east of the prefecture's
 * offices and the unit's designated parking beside the offices. The terminal connects over TCP
 * but reports nothing yet: `driveToHotel` sends the reports that make the alert.
 */
export async function prepareHotelStop(server: TestServer, token: string, unitId: number): Promise<HotelStop> {
  const plate = '新Q9E2E1';
  const vehicle = await server.call<{ id: number }>(token, 'POST', '/api/vehicles', { unitId, plate, vehicleType: '轿车', usageNature: '一般公务用车' });
  const phone = '013977700001';
  await server.call(token, 'POST', '/api/terminals', { phone, vehicleId: vehicle.id });
  const { db } = server.platform.store;
  await createPlace(db, { name: hotelName, category: 'hotel', unitId: null, shape: square(kashgar.hotel, 80), remarks: null }, 'api');
  await createPlace(db, { name: '单位指定停车场（测试）', category: 'designated_parking', unitId, shape: circle(kashgar.office, 120), remarks: null }, 'api');
  server.platform.rules.refresh();
  const terminal = await ScriptedTerminal.connect(server.platform.jt808Port, phone, plate);
  return { unitId, vehicleId: vehicle.id, plate, placeName: hotelName, terminal };
}

/**
 * Reports a morning trip three hours ago: from the offices to the hotel, forty minutes parked
 * there with the engine off and the fixes drifting up to 15 m, and back. The hotel rule alerts
 * after thirty minutes of dwell.
 */
export async function driveToHotel(stop: HotelStop): Promise<void> {
  const start = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000;
  const there = drive({ from: kashgar.office, to: kashgar.hotel, start });
  const parked = park({ at: kashgar.hotel, start: endOf(there), minutes: 40, driftM: 15 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(parked) });
  for (const fix of [...there, ...parked, ...back]) await reportWithResend(stop.terminal, fix);
}

// JT/T 808 terminals send a report again when the platform responds with failure (result 1),
// which the platform does when its store is briefly busy and the report was not committed.
const maxSends = 3;

async function reportWithResend(terminal: ScriptedTerminal, fix: FixSpec): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const result = await terminal.send({ messageId: 0x0200, body: toPosition(fix) });
    if (result === 0) return;
    if (result !== 1 || attempt === maxSends) throw new Error(`0x0200 report of ${new Date(fix.time).toISOString()} answered with result ${result} after ${attempt} sends`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
