import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import SqliteDatabase from 'better-sqlite3';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';

const detectorModules = [new URL('./fixtures/hotel-stop-detector.ts', import.meta.url).href];

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness({ rules: { detectorModules } });
});
after(() => h.close());

const cursor = async () => (await h.db.selectFrom('rule_cursor').select('position_id').where('name', '=', 'live').executeTakeFirstOrThrow()).position_id;

test('restart resumes without duplicate alerts', async () => {
  const car = await h.addVehicle();
  await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-05 09:00'), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  const firstHalf = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 15 });
  let terminal = await h.connect(car);
  await terminal.reports([...atOffice, ...toHotel, ...firstHalf]);
  await h.waitForRules();
  assert.equal((await h.alerts({ vehicleId: car.vehicleId, rule: 'custom' })).length, 1);
  const before = await cursor();

  // Restart in the middle of the hotel stop: the engine resumes from its cursor and state.
  await h.restart();
  assert.equal(await cursor(), before);
  const secondHalf = park({ at: kashgar.hotel, start: endOf(firstHalf), minutes: 15 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(secondHalf) });
  const home = park({ at: kashgar.office, start: endOf(back), minutes: 20 });
  terminal = await h.connect(car);
  await terminal.reports([...secondHalf, ...back, ...home]);
  await h.waitForRules();

  const alerts = await h.alerts({ vehicleId: car.vehicleId, rule: 'custom' });
  assert.equal(alerts.length, 1, 'the stop that spans the restart is one alert');
  assert.equal(alerts[0]!.end_at, new Date(secondHalf[secondHalf.length - 1]!.time).getTime(), 'the alert covers the whole stop');
  const trips = await h.trips(car.vehicleId);
  assert.equal(trips.length, 2);
  assert.equal(h.saved.filter((s) => s.created && s.rule === 'custom').length, 1);

  // A crash before the cursor moved: the engine evaluates everything again from an older cursor.
  await h.restart((file) => {
    const sqlite = new SqliteDatabase(file);
    sqlite.exec("UPDATE rule_cursor SET position_id = 0; DELETE FROM rule_vehicle_states; DELETE FROM rule_checkpoints;");
    sqlite.close();
  });
  await h.waitForRules();
  assert.deepEqual((await h.alerts({ vehicleId: car.vehicleId, rule: 'custom' })).map((a) => [a.id, a.start_at, a.end_at]), alerts.map((a) => [a.id, a.start_at, a.end_at]));
  assert.deepEqual((await h.trips(car.vehicleId)).map((t) => [t.id, t.start_time, t.end_time, t.verdict]), trips.map((t) => [t.id, t.start_time, t.end_time, t.verdict]));
  assert.equal(h.saved.filter((s) => s.created && s.rule === 'custom').length, 1, 'no alert created twice');
  assert.ok(h.saved.length > 2, 'the re-evaluation merged into the stored alert');
});
