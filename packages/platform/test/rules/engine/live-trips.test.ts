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
  assert.ok(trips[0]!.distance_m > 1800, `distance ${trips[0]!.distance_m}`);
  assert.ok(trips[0]!.distance_m < 2300, `distance ${trips[0]!.distance_m}`);
});

test('trips API is unit-scoped', async () => {
  const unitId = await h.addUnit('喀什地区财政局');
  const car = await h.addVehicle({ unitId });
  const terminal = await h.connect(car);
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-09 09:00'), minutes: 20 });
  const toSchool = drive({ from: kashgar.office, to: kashgar.school, start: endOf(atOffice) });
  await terminal.reports([...atOffice, ...toSchool, ...park({ at: kashgar.school, start: endOf(toSchool), minutes: 20 })]);
  await h.waitForRules();

  const range = 'from=2026-03-09T00:00:00%2B08:00&to=2026-03-10T00:00:00%2B08:00';
  const own = await h.login('unit_operator', unitId);
  const listed = await h.request('GET', `/api/vehicles/${car.vehicleId}/trips?${range}`, own);
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  assert.equal(listed.json.items.length, 1);
  assert.equal(listed.json.items[0].verdict, 'no_order');
  assert.equal(listed.json.items[0].reasonCode, 'no_approved_order');
  const byUnit = await h.request('GET', `/api/trips?${range}&verdict=no_order`, own);
  assert.deepEqual(byUnit.json.items.map((t: { vehicleId: number }) => t.vehicleId), [car.vehicleId], 'only the own unit\'s trips');

  const outsider = await h.login('unit_operator', await h.addUnit('喀什地区教育局'));
  assert.equal((await h.request('GET', `/api/vehicles/${car.vehicleId}/trips?${range}`, outsider)).status, 404);
  assert.deepEqual((await h.request('GET', `/api/trips?${range}`, outsider)).json.items, []);
  const badRange = await h.request('GET', `/api/vehicles/${car.vehicleId}/trips?from=2026-03-09&to=2026-03-10`, own);
  assert.equal(badRange.status, 400);
  assert.match(badRange.json.error.message, /from must be an ISO-8601 time with a zone/);
});
