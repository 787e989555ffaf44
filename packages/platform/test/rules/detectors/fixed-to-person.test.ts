import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedToPersonDetector as detector } from '../../../src/rules/detectors/fixed-to-person.ts';
import type { RuleContext, RuleEvent } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, kashgar, offset, square, type Point } from '../../helpers/rule-fixes.ts';
import { merged, order, place, runDetector, stayEvents } from './support.ts';

const carPark = place(1, 'designated_parking', square(kashgar.office, 100), 1, '执法大队停车场');
const housing = place(2, 'residential', square(kashgar.market, 300), null, '某小区');
const places = [carPark, housing];

const dates = (from: string, count: number, stepDays = 1) =>
  Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * stepDays * 86_400_000).toISOString().slice(0, 10));

/** Night rests from 21:00 to 07:30 at the points, one date each, with the driving in between left out. */
function nightsAt(context: RuleContext, spots: { date: string; at: Point }[]): RuleEvent[] {
  return spots.flatMap(({ date, at }) => {
    const start = beijing(`${date} 21:00`);
    return stayEvents(context, at, start, start + 10.5 * 3_600_000, { everyMin: 30 });
  });
}

describe('fixed_to_person', () => {
  test('fifth night at one spot alerts', () => {
    const context = ruleContext({ places });
    const spots = dates('2026-03-02', 6).map((date, i) => ({ date, at: offset(kashgar.market, (i % 3) * 40, 0) }));
    const { alerts, keys } = runDetector(detector, nightsAt(context, spots), context);
    assert.deepEqual(keys, [`fixed_to_person:1:spot:${beijing('2026-03-02 23:00')}`], 'the sixth night merges into the same alert');
    assert.equal(alerts.length, 2);
    assert.equal(alerts[0]!.facts.nightCount, 5);
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.nightCount, 6);
    assert.equal(final.facts.placeName, '某小区');
    assert.equal(final.facts.nights, '2026-03-02,2026-03-03,2026-03-04,2026-03-05,2026-03-06,2026-03-07');
    assert.ok((final.facts.spreadM as number) <= 80);
    assert.equal(final.severity, 'high');
  });

  test('nights at the car park are quiet', () => {
    const context = ruleContext({ places });
    const spots = dates('2026-03-02', 10).map((date) => ({ date, at: offset(kashgar.office, 0, 30) }));
    const { alerts, state } = runDetector(detector, nightsAt(context, spots), context);
    assert.deepEqual(alerts, []);
    assert.deepEqual(state.spots, []);
  });

  test('four nights are not enough', () => {
    const context = ruleContext({ places });
    const spots = dates('2026-03-02', 4).map((date) => ({ date, at: kashgar.market }));
    assert.deepEqual(runDetector(detector, nightsAt(context, spots), context).alerts, []);
  });

  test('nights at scattered spots are quiet', () => {
    const context = ruleContext({ places });
    const spots = dates('2026-03-02', 8).map((date, i) => ({ date, at: offset(kashgar.market, i * 400, 0) }));
    assert.deepEqual(runDetector(detector, nightsAt(context, spots), context).alerts, []);
  });

  test('nights spread beyond the period are quiet', () => {
    const context = ruleContext({ places });
    const spots = dates('2026-01-05', 5, 9).map((date) => ({ date, at: kashgar.market }));
    const { alerts, state } = runDetector(detector, nightsAt(context, spots), context);
    assert.deepEqual(alerts, []);
    assert.ok(state.spots.length <= 4, 'history keeps only the last 30 days');
  });

  test('nights under an order are not counted', () => {
    const nights = dates('2026-03-02', 5);
    const away = order(beijing('2026-03-04 08:00'), beijing('2026-03-05 12:00'));
    const context = ruleContext({ places, orders: [away] });
    assert.deepEqual(runDetector(detector, nightsAt(context, nights.map((date) => ({ date, at: kashgar.market }))), context).alerts, []);
  });

  test('short evening rests are not nights', () => {
    const context = ruleContext({ places });
    const events = dates('2026-03-02', 6).flatMap((date) => stayEvents(context, kashgar.market, beijing(`${date} 21:00`), beijing(`${date} 23:50`), { everyMin: 10 }));
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('minNights above period is rejected', () => {
    assert.throws(() => detector.parseSettings({ minNights: 10, periodDays: 7 }), /minNights/);
  });
});
