import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, offset, park, square, type Point } from '../../helpers/rule-fixes.ts';
import type { FixSpec } from '../../helpers/rules-harness.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let unitId: number;
before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区某办公室');
  await h.addPlace({ name: '某办停车场', category: 'designated_parking', unitId, shape: square(kashgar.office, 100) });
});
after(() => h.close());

const siteA = offset(kashgar.office, 0, 4_000);
const siteB = offset(kashgar.office, 3_000, 4_000);

/** Fixes of a tour from the office through the points, standing 20 minutes at each, back to the office. */
function tour(start: number, points: Point[]): FixSpec[] {
  const fixes: FixSpec[] = [...park({ at: kashgar.office, start, minutes: 10 })];
  let from: Point = kashgar.office;
  for (const point of [...points, kashgar.office]) {
    const leg = drive({ from, to: point, start: endOf(fixes), intervalS: 60 });
    fixes.push(...leg, ...park({ at: point, start: endOf(leg), minutes: 20 }));
    from = point;
  }
  return fixes;
}

describe('route_deviation over TCP', () => {
  test('stop off the destinations alerts', async () => {
    const car = await h.addVehicle({ unitId });
    const orderId = await h.addOrder({ vehicleId: car.vehicleId, unitId, start: beijing('2026-03-10 10:00'), end: beijing('2026-03-10 14:00'), destinations: [{ name: '甲单位', ...siteA, radiusM: 200 }] });
    const terminal = await h.connect(car);
    await terminal.reports(tour(beijing('2026-03-10 10:00'), [siteA, kashgar.market]));
    await h.waitForRules();

    const alerts = await alertsOf(h, 'route_deviation', car.vehicleId);
    const stops = alerts.filter((alert) => alert.facts.kind === 'off_destination_stop');
    assert.equal(stops.length, 1, 'the stop at the market');
    assert.equal(stops[0]!.trip_order_id, orderId);
    assert.equal(stops[0]!.facts.orderDestinations, '甲单位');
    await assertEvidenceStored(h, stops[0]!);
  });

  test('destinations in another order are quiet', async () => {
    const car = await h.addVehicle({ unitId });
    await h.addOrder({
      vehicleId: car.vehicleId,
      unitId,
      start: beijing('2026-03-11 10:00'),
      end: beijing('2026-03-11 14:00'),
      destinations: [{ name: '甲单位', ...siteA, radiusM: 200 }, { name: '乙单位', ...siteB, radiusM: 200 }],
    });
    const terminal = await h.connect(car);
    // The order lists A then B; the driver goes to B first.
    await terminal.reports(tour(beijing('2026-03-11 10:00'), [siteB, siteA]));
    await h.waitForRules();

    const trips = await h.trips(car.vehicleId);
    assert.equal(trips.length, 3, 'out to B, on to A, back to the car park');
    assert.deepEqual(await alertsOf(h, 'route_deviation', car.vehicleId), []);
  });
});
