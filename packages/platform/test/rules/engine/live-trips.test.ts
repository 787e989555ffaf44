import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness();
});
after(() => h.close());

test('trip over TCP stored with verdict', async () => {
  const car = await h.addVehicle();
  const officeId = await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  const hotelId = await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const terminal = await h.connect(car);
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-02 09:00'), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 20 });
  await terminal.reports([...atOffice, ...toHotel, ...atHotel]);
  await h.waitForRules();

  const trips = await h.trips(car.vehicleId);
  assert.equal(trips.length, 1);
  assert.equal(trips[0]!.verdict, 'no_order');
  assert.equal(trips[0]!.reason_code, 'no_approved_order');
  assert.deepEqual(JSON.parse(trips[0]!.from_place_ids), [officeId]);
  assert.deepEqual(JSON.parse(trips[0]!.to_place_ids), [hotelId]);
  assert.ok(trips[0]!.distance_m > 1800 && trips[0]!.distance_m < 2300, `distance ${trips[0]!.distance_m}`);
});
