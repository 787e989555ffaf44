import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let unitId: number;
before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区某局');
  // The unit's car park: a 100 m square around the office, its fence 50 m from the centre.
  await h.addPlace({ name: '某局停车场', category: 'designated_parking', unitId, shape: square(kashgar.office, 100) });
  await h.addPlace({ name: '某小区', category: 'residential', shape: square(kashgar.market, 200) });
});
after(() => h.close());

describe('off_hours_parking over TCP', () => {
  test('night at housing estate alerts', async () => {
    const car = await h.addVehicle({ unitId });
    const terminal = await h.connect(car);
    const home = park({ at: kashgar.office, start: beijing('2026-03-10 19:00'), minutes: 20 });
    const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(home), intervalS: 60 });
    const night = park({ at: kashgar.market, start: endOf(out), minutes: 12 * 60, intervalS: 600, driftM: 20 });
    const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(night), intervalS: 60 });
    await terminal.reports([...home, ...out, ...night, ...back]);
    await h.waitForRules();

    const alerts = await alertsOf(h, 'off_hours_parking', car.vehicleId);
    assert.equal(alerts.length, 1, 'one alert for the night');
    assert.equal(alerts[0]!.key, `off_hours_parking:${car.vehicleId}:night:${beijing('2026-03-10 23:00')}`);
    assert.equal(alerts[0]!.facts.placeName, '某小区');
    assert.equal(alerts[0]!.facts.nearestDesignatedPlaceName, '某局停车场');
    assert.ok((alerts[0]!.facts.restInNightS as number) >= 8 * 3600);
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('night at car park drifting outside is quiet', async () => {
    const car = await h.addVehicle({ unitId });
    const terminal = await h.connect(car);
    // Parked right at the east fence: the fixes wander up to 30 m, so many lie outside it.
    const spot = offset(kashgar.office, 0, 50);
    const arrive = drive({ from: offset(kashgar.office, 0, -3_000), to: spot, start: beijing('2026-03-10 19:30'), intervalS: 60 });
    const night = park({ at: spot, start: endOf(arrive), minutes: 13 * 60, intervalS: 600, driftM: 30 });
    await terminal.reports([...arrive, ...night]);
    await h.waitForRules();

    const positions = await h.db.selectFrom('positions').select('id').where('vehicle_id', '=', car.vehicleId).execute();
    assert.ok(positions.length >= night.length, 'the night was stored');
    assert.deepEqual(await alertsOf(h, 'off_hours_parking', car.vehicleId), []);
  });
});
