import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { routeDeviationDetector as detector } from '../../../src/rules/detectors/route-deviation.ts';
import { shortestPathM } from '../../../src/rules/detectors/route.ts';
import { distanceM } from '../../../src/ingest/geo.ts';
import type { RuleContext, StopFact, TripOrderFact } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, kashgar, offset, square, type Point } from '../../helpers/rule-fixes.ts';
import { destination, fixEvent, hour, merged, minute, order, place, runDetector, stayEvents, stopAt, tripEvent } from './support.ts';

const carPark = place(1, 'designated_parking', square(kashgar.office, 100), 1, '行署停车场');
const bureau = place(2, 'government_office', square(offset(kashgar.office, 3_000, 0), 100), 5, '地区财政局');
const places = [carPark, bureau];
const start = beijing('2026-03-10 10:00');
const siteA = offset(kashgar.office, 0, 5_000);
const siteB = offset(kashgar.office, 4_000, 5_000);
const between = (a: Point, b: Point) => distanceM(a.latitude, a.longitude, b.latitude, b.longitude);

function orderTo(points: Point[], extra: Partial<TripOrderFact> = {}) {
  return order(start, start + 6 * hour, { destinations: points.map((p, i) => destination(p, 200, null, `目的地${i + 1}`)), ...extra });
}

/** Returns the trips of a run through the points, each stop lasting 30 minutes, with the distance of each leg scaled by `stretch`. */
function runThrough(context: RuleContext, points: Point[], theOrder: TripOrderFact | null, stretch = 1.3) {
  const events = [];
  let time = start;
  let from: StopFact = stopAt(context, points[0]!, time - hour, time);
  for (const point of points.slice(1)) {
    const legM = between(from, point) * stretch;
    const arrive = time + Math.round((legM / 10) * 1000);
    const to = stopAt(context, point, arrive, arrive + 30 * minute);
    events.push(tripEvent({ from, to, start: time, end: arrive, distanceM: legM, order: theOrder }));
    from = to;
    time = arrive + 30 * minute;
  }
  return events;
}

describe('route_deviation stops', () => {
  test('stop off the destinations alerts', () => {
    const errand = orderTo([siteA]);
    const context = ruleContext({ places, orders: [errand] });
    const market = kashgar.market;
    const { alerts, keys } = runDetector(detector, stayEvents(context, market, start + hour, start + hour + 25 * minute), context);
    assert.deepEqual(keys, [`route_deviation:1:stop:${start + hour}`]);
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.kind, 'off_destination_stop');
    assert.equal(final.facts.orderId, errand.id);
    assert.equal(final.facts.orderDestinations, '目的地1');
    assert.ok((final.facts.nearestDestinationM as number) > 1_000);
    assert.equal(final.facts.durationS, 25 * 60);
    assert.equal(final.evidence.tripOrderId, errand.id);
  });

  test('destination, office and short stops pass', () => {
    const context = ruleContext({ places, orders: [orderTo([siteA])] });
    const events = [
      ...stayEvents(context, offset(siteA, 120, 0), start + hour, start + 2 * hour),
      ...stayEvents(context, offset(kashgar.office, 3_000, 0), start + 3 * hour, start + 4 * hour),
      ...stayEvents(context, kashgar.market, start + 4 * hour + 10 * minute, start + 4 * hour + 18 * minute),
    ];
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('stop without order is not this rule', () => {
    const context = ruleContext({ places });
    assert.deepEqual(runDetector(detector, stayEvents(context, kashgar.market, start, start + hour), context).alerts, []);
  });
});

describe('route_deviation detours', () => {
  test('destinations in another order pass', () => {
    const errand = orderTo([siteA, siteB]);
    const context = ruleContext({ places, orders: [errand] });
    // B is listed second but visited first.
    const { alerts, state } = runDetector(detector, runThrough(context, [kashgar.office, siteB, siteA, kashgar.office], errand), context);
    assert.deepEqual(alerts, []);
    assert.equal(state.run, null, 'returning to the car park closes the run');
  });

  test('long detour on the way alerts', () => {
    const errand = orderTo([siteA]);
    const context = ruleContext({ places, orders: [errand] });
    const { alerts, keys } = runDetector(detector, runThrough(context, [kashgar.office, siteA, kashgar.office], errand, 2.6), context);
    assert.deepEqual(keys, [`route_deviation:1:run:${start}`]);
    const alert = alerts[0]!;
    assert.equal(alert.facts.kind, 'detour');
    assert.equal(alert.facts.tripCount, 2);
    assert.ok(Math.abs((alert.facts.detourRatio as number) - 2.6) < 0.05);
    assert.ok(Math.abs((alert.facts.shortestRouteM as number) - 10_000) < 200);
    assert.equal(alert.facts.destinationsVisited, 1);
  });

  test('short trip detour below excess passes', () => {
    const near = offset(kashgar.office, 0, 1_000);
    const errand = orderTo([near]);
    const context = ruleContext({ places, orders: [errand] });
    assert.deepEqual(runDetector(detector, runThrough(context, [kashgar.office, near, kashgar.office], errand, 2.4), context).alerts, []);
  });

  test('stale run is judged after order ends', () => {
    const errand = orderTo([siteA]);
    const context = ruleContext({ places, orders: [errand] });
    // Out to A the long way and on to the market, never back to the car park.
    const events = runThrough(context, [kashgar.office, siteA, kashgar.market], errand, 3);
    const before = runDetector(detector, events, context);
    assert.deepEqual(before.alerts, []);
    assert.notEqual(before.state.run, null);
    const later = runDetector(detector, [fixEvent(kashgar.market, errand.end + 3 * hour)], context, detector.defaults, before.state);
    assert.equal(later.alerts.length, 1);
    assert.equal(later.state.run, null);
  });

  test('trip without order closes run', () => {
    const errand = orderTo([siteA]);
    const context = ruleContext({ places, orders: [errand] });
    const events = runThrough(context, [kashgar.office, siteA], errand, 3);
    const to = stopAt(context, kashgar.market, start + 5 * hour, start + 6 * hour);
    events.push(tripEvent({ to, start: start + 4 * hour, distanceM: 2_000 }));
    assert.equal(runDetector(detector, events, context).alerts.length, 1);
  });
});

describe('shortest route', () => {
  const points = [0, 1, 2, 3, 4, 5, 6].map((i) => offset(kashgar.office, ((i * 3_701) % 9_000) - 4_500, ((i * 5_113) % 8_000) - 4_000));

  function bruteForce(from: Point, via: Point[], to: Point): number {
    if (via.length === 0) return between(from, to);
    return Math.min(...via.map((p, i) => between(from, p) + bruteForce(p, via.filter((_, j) => j !== i), to)));
  }

  test('order of destinations does not matter', () => {
    const via = points.slice(1, 5);
    const forward = shortestPathM(points[0]!, via, points[0]!);
    const backward = shortestPathM(points[0]!, [...via].reverse(), points[0]!);
    assert.ok(Math.abs(forward - backward) < 1e-6);
  });

  test('exact route matches brute force', () => {
    for (let n = 0; n <= 6; n++) {
      const via = points.slice(1, 1 + n);
      assert.ok(Math.abs(shortestPathM(points[0]!, via, points[6]!) - bruteForce(points[0]!, via, points[6]!)) < 1e-6, `${n} points`);
    }
  });

  test('many destinations are never underestimated', () => {
    const many = Array.from({ length: 14 }, (_, i) => offset(kashgar.office, ((i * 7_919) % 20_000) - 10_000, ((i * 6_007) % 16_000) - 8_000));
    const length = shortestPathM(kashgar.office, many, kashgar.office);
    const exactOfFirstTen = shortestPathM(kashgar.office, many.slice(0, 10), kashgar.office);
    assert.ok(length >= exactOfFirstTen, 'visiting more points is never shorter');
    const listed = [kashgar.office, ...many, kashgar.office].reduce((sum, p, i, all) => (i === 0 ? 0 : sum + between(all[i - 1]!, p)), 0);
    assert.ok(length <= listed, 'no longer than the listed order');
  });
});
