import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { longDistanceDetector as detector } from '../../../src/rules/detectors/long-distance.ts';
import type { RuleContext } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, kashgar } from '../../helpers/rule-fixes.ts';
import { hour, merged, order, runDetector, stopAt, tripEvent } from './support.ts';

function tripAt(context: RuleContext, text: string, extra: Partial<Parameters<typeof tripEvent>[0]> = {}) {
  const start = beijing(text);
  return tripEvent({ to: stopAt(context, kashgar.market, start + 4 * hour, start + 5 * hour), start, distanceM: 250_000, maxDistanceFromHomeM: 200_000, ...extra });
}

describe('long_distance', () => {
  test('leaving the prefecture alerts', () => {
    const context = ruleContext();
    const { alerts, keys } = runDetector(detector, [tripAt(context, '2026-03-10 09:00', { leftBoundary: true, maxDistanceFromHomeM: 60_000 })], context);
    assert.deepEqual(keys, [`long_distance:1:${beijing('2026-03-10 09:00')}`]);
    assert.equal(alerts[0]!.facts.leftBoundary, true);
    assert.equal(alerts[0]!.facts.maxDistanceFromHomeM, 60_000);
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.evidence.orderAbsent, true);
  });

  test('long trip inside the prefecture is quiet', () => {
    // Kashgar to Yecheng is about 215 km in a straight line and stays inside the prefecture.
    const context = ruleContext();
    assert.deepEqual(runDetector(detector, [tripAt(context, '2026-03-10 09:00', { maxDistanceFromHomeM: 215_000 })], context).alerts, []);
  });

  test('beyond the radius alerts', () => {
    const context = ruleContext();
    const { alerts } = runDetector(detector, [tripAt(context, '2026-03-10 09:00', { maxDistanceFromHomeM: 420_000 })], context);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.radiusM, 350_000);
    assert.equal(alerts[0]!.facts.leftBoundary, false);
    const boundaryOnly = detector.parseSettings({ radiusKm: null });
    assert.deepEqual(runDetector(detector, [tripAt(context, '2026-03-10 09:00', { maxDistanceFromHomeM: 420_000 })], context, boundaryOnly).alerts, []);
  });

  test('approved out-of-area order covers trip', () => {
    const start = beijing('2026-03-10 09:00');
    const context = ruleContext({ orders: [order(start - 30 * 60_000, start + 2 * 86_400_000, { outOfArea: true })] });
    assert.deepEqual(runDetector(detector, [tripAt(context, '2026-03-10 09:00', { leftBoundary: true })], context).alerts, []);
  });

  test('order without out-of-area flag does not cover', () => {
    const start = beijing('2026-03-10 09:00');
    const plain = order(start - hour, start + 2 * 86_400_000);
    const context = ruleContext({ orders: [plain] });
    const { alerts } = runDetector(detector, [tripAt(context, '2026-03-10 09:00', { leftBoundary: true, order: plain, verdict: 'out_of_area_unapproved' })], context);
    assert.equal(alerts[0]!.facts.orderId, plain.id);
  });

  test('journey of several trips is one alert', () => {
    const context = ruleContext();
    const events = [
      tripAt(context, '2026-03-10 09:00', { leftBoundary: true }),
      tripAt(context, '2026-03-10 15:00', { leftBoundary: true, maxDistanceFromHomeM: 500_000 }),
      tripAt(context, '2026-03-11 09:00', { leftBoundary: true }),
      tripAt(context, '2026-03-11 18:00', { distanceM: 5_000, maxDistanceFromHomeM: 3_000 }),
      tripAt(context, '2026-03-12 09:00', { leftBoundary: true }),
    ];
    const { alerts, keys } = runDetector(detector, events, context);
    assert.deepEqual(keys, [`long_distance:1:${beijing('2026-03-10 09:00')}`, `long_distance:1:${beijing('2026-03-12 09:00')}`], 'a trip at home ends the journey');
    const first = merged(alerts)[0]!;
    assert.equal(first.facts.tripCount, 3);
    assert.equal(first.facts.maxDistanceFromHomeM, 500_000);
    assert.equal(first.facts.distanceAllTripsM, 750_000);
  });

  test('radius below ten km is rejected', () => {
    assert.throws(() => detector.parseSettings({ radiusKm: 5 }), /radiusKm/);
  });
});
