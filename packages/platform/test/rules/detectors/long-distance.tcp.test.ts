import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, park, square } from '../../helpers/rule-fixes.ts';
import type { PlaceShape } from '../../../src/rules/places.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

/** A simplified outline of Kashgar Prefecture: the box 74.5-79.8 E, 35.5-40.2 N. */
const prefecture: PlaceShape = { kind: 'polygon', rings: [[[74.5, 35.5], [79.8, 35.5], [79.8, 40.2], [74.5, 40.2]]] };
const yecheng = { latitude: 37.883, longitude: 77.413 };
// North of the box, in the neighbouring prefecture.
const beyond = { latitude: 40.55, longitude: 76.3 };

let h: RulesHarness;
let unitId: number;
before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区某局');
  await h.addPlace({ name: '某局停车场', category: 'designated_parking', unitId, shape: square(kashgar.office, 100) });
  await h.addPlace({ name: '喀什地区', category: 'prefecture_boundary', shape: prefecture });
});
after(() => h.close());

/** Drives from the office to a far point at 90 km/h, a fix every five minutes, and stays there an hour. */
async function journey(car: TestVehicle, date: string, to: { latitude: number; longitude: number }): Promise<void> {
  const terminal = await h.connect(car);
  const start = park({ at: kashgar.office, start: beijing(`${date} 08:00`), minutes: 10 });
  const road = drive({ from: kashgar.office, to, start: endOf(start), speedKmh: 90, intervalS: 300 });
  const there = park({ at: to, start: endOf(road), minutes: 60, intervalS: 300 });
  await terminal.reports([...start, ...road, ...there]);
  await h.waitForRules();
}

describe('long_distance over TCP', () => {
  test('leaving the prefecture alerts', async () => {
    const car = await h.addVehicle({ unitId });
    await journey(car, '2026-03-10', beyond);
    const alerts = await alertsOf(h, 'long_distance', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.leftBoundary, true);
    assert.ok((alerts[0]!.facts.maxDistanceFromHomeM as number) > 100_000);
    assert.equal(alerts[0]!.order_absent, 1);
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('long trip inside the prefecture is quiet', async () => {
    const car = await h.addVehicle({ unitId });
    await journey(car, '2026-03-11', yecheng);
    const trips = await h.trips(car.vehicleId);
    assert.equal(trips.length, 1);
    assert.ok(trips[0]!.distance_m > 200_000, `a trip of ${trips[0]!.distance_m} m`);
    assert.deepEqual(await alertsOf(h, 'long_distance', car.vehicleId), []);
  });

  test('approved out-of-area order is quiet', async () => {
    const car = await h.addVehicle({ unitId });
    await h.addOrder({ vehicleId: car.vehicleId, unitId, start: beijing('2026-03-12 07:30'), end: beijing('2026-03-13 20:00'), outOfArea: true, destinations: [{ name: '阿图什市', ...beyond, radiusM: 2_000 }] });
    await journey(car, '2026-03-12', beyond);
    assert.deepEqual(await alertsOf(h, 'long_distance', car.vehicleId), []);
  });
});
