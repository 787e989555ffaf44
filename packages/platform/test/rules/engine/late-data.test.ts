import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';

const detectorModules = [new URL('./fixtures/hotel-stop-detector.ts', import.meta.url).href];

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness({ rules: { detectorModules } });
});
after(() => h.close());

test('late blind-area batch evaluated in order', async () => {
  const car = await h.addVehicle();
  await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const terminal = await h.connect(car);

  // Evening before and the next morning at the office, live.
  const evening = park({ at: kashgar.office, start: beijing('2026-03-01 22:00'), minutes: 20 });
  const morning = park({ at: kashgar.office, start: beijing('2026-03-02 08:00'), minutes: 20 });
  // The visit to the hotel happens in a blind area and is uploaded later.
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(morning) });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 30 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(atHotel) });
  // Back in coverage: live reports from the office, sent before the blind-area upload.
  const later = park({ at: kashgar.office, start: endOf(back) + 10 * 60_000, minutes: 20 });

  await terminal.reports([...evening, ...morning, ...later]);
  await h.waitForRules();
  assert.equal((await h.trips(car.vehicleId)).length, 0, 'the live reports alone show the vehicle parked');
  assert.equal((await h.alerts({ vehicleId: car.vehicleId, rule: 'custom' })).length, 0);

  await terminal.blindArea([...toHotel, ...atHotel, ...back]);
  await h.waitForRules();

  const trips = await h.trips(car.vehicleId);
  assert.equal(trips.length, 2);
  assert.equal(trips[0]!.start_time < trips[1]!.start_time, true);
  assert.ok(trips[0]!.start_time >= endOf(morning), 'first trip leaves after the morning at the office');
  assert.ok(trips[0]!.end_time <= endOf(toHotel) + 60_000, 'first trip ends at the hotel');
  assert.ok(trips[1]!.start_time >= endOf(atHotel) - 60_000, 'second trip leaves the hotel');
  assert.deepEqual(trips.map((t) => t.late), [1, 1]);

  const alerts = await h.alerts({ vehicleId: car.vehicleId, rule: 'custom' });
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.rule, 'custom');
  assert.equal(alerts[0]!.late, 1);
  assert.equal(alerts[0]!.start_at, new Date(atHotel[0]!.time).getTime());
  assert.ok(alerts[0]!.end_at >= new Date(atHotel[atHotel.length - 1]!.time).getTime() - 60_000);
});

test('rewind restores the day checkpoint', async () => {
  const car = await h.addVehicle();
  const terminal = await h.connect(car);
  const dayOne = park({ at: kashgar.office, start: beijing('2026-03-03 21:00'), minutes: 30 });
  const dayTwo = park({ at: kashgar.office, start: beijing('2026-03-04 09:00'), minutes: 10 });
  await terminal.reports([...dayOne, ...dayTwo]);
  await h.waitForRules();
  const checkpoints = await h.db.selectFrom('rule_checkpoints').selectAll().where('vehicle_id', '=', car.vehicleId).execute();
  assert.equal(checkpoints.length, 1);
  assert.equal(checkpoints[0]!.time, endOf(dayOne), 'the checkpoint holds the state after the last fix of the first day');

  // A late fix on the second day rewinds to that checkpoint, not to the start of history.
  await terminal.blindArea([{ time: beijing('2026-03-04 09:05:30'), ...kashgar.office, speedKmh: 0, acc: false }]);
  await h.waitForRules();
  const state = await h.db.selectFrom('rule_vehicle_states').selectAll().where('vehicle_id', '=', car.vehicleId).executeTakeFirstOrThrow();
  assert.equal(state.last_time, endOf(dayTwo));
  const after = await h.db.selectFrom('rule_checkpoints').selectAll().where('vehicle_id', '=', car.vehicleId).execute();
  assert.deepEqual(after.map((c) => c.time), [endOf(dayOne)]);
});
