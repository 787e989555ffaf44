import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let hotelId: number;
before(async () => {
  h = await startRulesHarness();
  await h.addPlace({ name: '地区行署', category: 'government_office', shape: square(kashgar.office, 120) });
  // The hotel next door: its outline begins 70 m east of the office's centre.
  await h.addPlace({ name: '隔壁宾馆', category: 'hotel', shape: square(offset(kashgar.office, 0, 110), 80) });
  hotelId = await h.addPlace({ name: '其尼瓦克宾馆', category: 'hotel', shape: square(kashgar.hotel, 80) });
});
after(() => h.close());

describe('non_official_place over TCP', () => {
  test('forty minutes at hotel alerts once', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const start = beijing('2026-03-10 11:00');
    const out = drive({ from: kashgar.office, to: kashgar.hotel, start, intervalS: 60 });
    const stay = park({ at: kashgar.hotel, start: endOf(out), minutes: 40, driftM: 15 });
    const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(stay), intervalS: 60 });
    await terminal.reports([...out, ...stay, ...back]);
    await h.waitForRules();

    const alerts = await alertsOf(h, 'non_official_place', car.vehicleId);
    assert.equal(alerts.length, 1, 'one alert for the stop, however many fixes it had');
    const alert = alerts[0]!;
    assert.equal(alert.place_id, hotelId);
    assert.equal(alert.facts.placeName, '其尼瓦克宾馆');
    assert.ok((alert.facts.durationS as number) >= 39 * 60, 'the whole stay, merged from the live and the final finding');
    assert.equal(alert.unit_id, car.unitId);
    assert.equal(alert.state, 'pending');
    await assertEvidenceStored(h, alert);
  });

  test('parking at office beside hotel is quiet', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const start = beijing('2026-03-10 09:30');
    const spot = offset(kashgar.office, 0, 40);
    const arrive = drive({ from: offset(kashgar.office, -3_000, 0), to: spot, start, intervalS: 60 });
    const day = park({ at: spot, start: endOf(arrive), minutes: 8 * 60, intervalS: 300, driftM: 25 });
    await terminal.reports([...arrive, ...day]);
    await h.waitForRules();

    assert.deepEqual(await alertsOf(h, 'non_official_place', car.vehicleId), []);
  });
});
