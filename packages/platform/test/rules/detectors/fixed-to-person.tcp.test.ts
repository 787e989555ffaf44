import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../../helpers/rules-harness.ts';
import type { FixSpec } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, park, square, type Point } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let unitId: number;
before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区某执法大队');
  await h.addPlace({ name: '执法大队停车场', category: 'designated_parking', unitId, shape: square(kashgar.office, 100) });
  await h.addPlace({ name: '某小区', category: 'residential', shape: square(kashgar.market, 300) });
});
after(() => h.close());

/** Fixes of workdays at the office and nights at `nightSpot`, from the first date on. */
function nights(first: string, count: number, nightSpot: Point): FixSpec[] {
  const fixes: FixSpec[] = [];
  for (let i = 0; i < count; i++) {
    const day = new Date(Date.parse(`${first}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
    const work = park({ at: kashgar.office, start: beijing(`${day} 10:00`), minutes: 9 * 60, intervalS: 1_800 });
    const evening = drive({ from: kashgar.office, to: nightSpot, start: endOf(work), intervalS: 60 });
    const night = park({ at: nightSpot, start: endOf(evening), minutes: 13 * 60, intervalS: 1_800, driftM: 20 });
    const morning = drive({ from: nightSpot, to: kashgar.office, start: endOf(night), intervalS: 60 });
    fixes.push(...work, ...evening, ...night, ...morning);
  }
  return fixes;
}

async function run(car: TestVehicle, fixes: FixSpec[]): Promise<void> {
  const terminal = await h.connect(car);
  await terminal.reports(fixes);
  await h.waitForRules(20_000);
}

describe('fixed_to_person over TCP', () => {
  test('five nights at one estate alert', async () => {
    const car = await h.addVehicle({ unitId, usageNature: '执法执勤用车' });
    await run(car, nights('2026-03-09', 5, kashgar.market));
    const alerts = await alertsOf(h, 'fixed_to_person', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.nightCount, 5);
    assert.equal(alerts[0]!.facts.placeName, '某小区');
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('nights at the car park are quiet', async () => {
    const car = await h.addVehicle({ unitId, usageNature: '执法执勤用车' });
    await run(car, nights('2026-03-09', 5, kashgar.office));
    assert.deepEqual(await alertsOf(h, 'fixed_to_person', car.vehicleId), []);
  });

  test('general vehicles are not checked', async () => {
    const car = await h.addVehicle({ unitId, usageNature: '一般公务用车' });
    await run(car, nights('2026-03-09', 5, kashgar.market));
    assert.deepEqual(await alertsOf(h, 'fixed_to_person', car.vehicleId), [], 'the base template enables this rule only for law-enforcement vehicles');
    assert.ok((await alertsOf(h, 'off_hours_parking', car.vehicleId)).length >= 5, 'the nights away still show under rule 3');
  });
});
