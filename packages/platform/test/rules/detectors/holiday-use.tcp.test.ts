import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness();
});
after(() => h.close());

/** Drives a vehicle from the office to the market and back on the morning of a date, over TCP. */
async function outingOn(car: TestVehicle, date: string): Promise<void> {
  const terminal = await h.connect(car);
  const before = park({ at: kashgar.office, start: beijing(`${date} 10:00`), minutes: 10 });
  const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(before), intervalS: 60 });
  const there = park({ at: kashgar.market, start: endOf(out), minutes: 30 });
  const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(there), intervalS: 60 });
  const after = park({ at: kashgar.office, start: endOf(back), minutes: 10 });
  await terminal.reports([...before, ...out, ...there, ...back, ...after]);
  await h.waitForRules();
}

describe('holiday_use over TCP', () => {
  test('National Day outing alerts once', async () => {
    const car = await h.addVehicle();
    await outingOn(car, '2026-10-02');
    const alerts = await alertsOf(h, 'holiday_use', car.vehicleId);
    assert.equal(alerts.length, 1, 'both trips of the day merge into one alert');
    assert.equal(alerts[0]!.facts.dayType, 'holiday');
    assert.equal(alerts[0]!.facts.tripCountThatDay, 2);
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.order_absent, 1);
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('approved holiday order is quiet', async () => {
    const car = await h.addVehicle();
    await h.addOrder({ vehicleId: car.vehicleId, unitId: car.unitId, start: beijing('2026-10-03 09:30'), end: beijing('2026-10-03 13:00'), holidayUse: true, purpose: '节日值守检查' });
    await outingOn(car, '2026-10-03');
    assert.deepEqual(await alertsOf(h, 'holiday_use', car.vehicleId), []);
  });

  test('adjusted working Sunday is quiet', async () => {
    const car = await h.addVehicle();
    await outingOn(car, '2026-09-20');
    assert.deepEqual(await alertsOf(h, 'holiday_use', car.vehicleId), []);
  });
});
