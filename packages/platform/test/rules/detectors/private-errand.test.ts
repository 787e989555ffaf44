import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { privateErrandDetector as detector } from '../../../src/rules/detectors/private-errand.ts';
import type { RuleContext, RuleEvent } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, circle, kashgar, offset, square, type Point } from '../../helpers/rule-fixes.ts';
import { destination, fixEvent, hour, merged, minute, order, place, runDetector, stayEvents, stopAt, tripEvent } from './support.ts';

const school = place(1, 'school', square(kashgar.school, 120), null, '喀什市第六小学');
const housing = place(2, 'residential', square(kashgar.market, 200), null, '某小区');
const wedding = place(3, 'wedding_funeral', circle(kashgar.hotel, 60), null, '某婚宴厅');
// Staff housing whose courtyard is the unit's designated parking.
const staffYard = place(4, 'designated_parking', square(kashgar.market, 60), 1, '家属院停车点');
const places = [school, housing, wedding];

/** Fixes of a vehicle standing at a point every 30 s for `seconds`, then driving off. */
function standAt(point: Point, start: number, seconds: number): RuleEvent[] {
  const events: RuleEvent[] = [];
  for (let s = 0; s <= seconds; s += 30) events.push(fixEvent(point, start + s * 1000, { speedKmh: 0 }));
  events.push(fixEvent(offset(point, 800, 0), start + (seconds + 60) * 1000, { speedKmh: 40 }));
  return events;
}

describe('private_errand school runs', () => {
  test('three minutes at school at 09:40 alerts', () => {
    const context = ruleContext({ places });
    const start = beijing('2026-03-10 09:40');
    const { alerts, keys } = runDetector(detector, standAt(kashgar.school, start, 180), context);
    assert.deepEqual(keys, [`private_errand:1:school:${start}`]);
    assert.equal(alerts[0]!.end, start + 120_000, 'raised once the two minutes are reached');
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.kind, 'school_run');
    assert.equal(final.facts.durationS, 180, 'sent again with the whole visit when the vehicle leaves');
    assert.equal(final.facts.placeName, '喀什市第六小学');
    assert.equal(final.facts.localTime, '09:40');
    assert.equal(final.evidence.placeId, 1);
  });

  test('one minute at school is quiet', () => {
    const context = ruleContext({ places });
    assert.deepEqual(runDetector(detector, standAt(kashgar.school, beijing('2026-03-10 09:40'), 60), context).alerts, []);
  });

  test('driving past school is quiet', () => {
    const context = ruleContext({ places });
    const start = beijing('2026-03-10 09:40');
    const events = [0, 1, 2, 3, 4, 5, 6].map((i) => fixEvent(offset(kashgar.school, -60 + i * 20, 0), start + i * 30_000, { speedKmh: 25 }));
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('school stop outside windows is quiet', () => {
    const context = ruleContext({ places });
    assert.deepEqual(runDetector(detector, standAt(kashgar.school, beijing('2026-03-10 11:30'), 600), context).alerts, []);
  });

  test('pick-up at 19:45 Beijing time alerts', () => {
    const context = ruleContext({ places });
    assert.equal(merged(runDetector(detector, standAt(kashgar.school, beijing('2026-03-10 19:45'), 300), context).alerts).length, 1);
  });

  test('Saturday is no school day', () => {
    const context = ruleContext({ places });
    assert.deepEqual(runDetector(detector, standAt(kashgar.school, beijing('2026-03-14 09:40'), 300), context).alerts, []);
  });

  test('adjusted working Sunday is a school day', () => {
    const context = ruleContext({ places });
    assert.equal(merged(runDetector(detector, standAt(kashgar.school, beijing('2026-09-20 09:40'), 300), context).alerts).length, 1);
  });

  test('order naming the school covers it', () => {
    const start = beijing('2026-03-10 09:40');
    const inspection = order(start - hour, start + hour, { destinations: [destination(kashgar.school, 100, 1, '喀什市第六小学')] });
    const context = ruleContext({ places, orders: [inspection] });
    assert.deepEqual(runDetector(detector, standAt(kashgar.school, start, 600), context).alerts, []);
  });

  test('invalid fix does not end visit', () => {
    const context = ruleContext({ places });
    const start = beijing('2026-03-10 09:40');
    const events = standAt(kashgar.school, start, 180);
    events.splice(2, 0, fixEvent(offset(kashgar.school, 3_000, 0), start + 45_000, { valid: false }));
    const { keys } = runDetector(detector, events, context);
    assert.deepEqual(keys, [`private_errand:1:school:${start}`]);
  });
});

function visit(context: RuleContext, point: Point, startText: string, minutes: number) {
  const start = beijing(startText);
  return runDetector(detector, stayEvents(context, point, start, start + minutes * minute), context);
}

describe('private_errand visits', () => {
  test('working-hours visit without order alerts', () => {
    const context = ruleContext({ places });
    const final = merged(visit(context, kashgar.market, '2026-03-10 11:00', 25).alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.key, `private_errand:1:visit:${beijing('2026-03-10 11:00')}`);
    assert.equal(final[0]!.facts.kind, 'residential_visit');
    assert.equal(final[0]!.facts.offHours, false);
    assert.equal(final[0]!.severity, 'medium');
    assert.equal(final[0]!.facts.durationS, 25 * 60);
    assert.equal(final[0]!.evidence.orderAbsent, true);
  });

  test('evening visit alerts as off hours', () => {
    const context = ruleContext({ places });
    const final = merged(visit(context, kashgar.market, '2026-03-10 21:00', 40).alerts);
    assert.equal(final[0]!.facts.offHours, true);
    assert.equal(final[0]!.severity, 'high');
  });

  test('working-hours visit during an order is quiet', () => {
    const start = beijing('2026-03-10 11:00');
    const context = ruleContext({ places, orders: [order(start - hour, start + 2 * hour, { destinations: [destination(kashgar.office)] })] });
    assert.deepEqual(visit(context, kashgar.market, '2026-03-10 11:00', 40).alerts, []);
  });

  test('off-hours visit during an order alerts', () => {
    const start = beijing('2026-03-10 21:00');
    const errand = order(start - hour, start + 2 * hour, { destinations: [destination(kashgar.office)] });
    const context = ruleContext({ places, orders: [errand] });
    const final = merged(visit(context, kashgar.market, '2026-03-10 21:00', 40).alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.facts.orderId, errand.id);
  });

  test('order naming the estate covers visit', () => {
    const start = beijing('2026-03-10 21:00');
    const context = ruleContext({ places, orders: [order(start - hour, start + 2 * hour, { destinations: [destination(kashgar.market, 150, 2, '某小区')] })] });
    assert.deepEqual(visit(context, kashgar.market, '2026-03-10 21:00', 40).alerts, []);
  });

  test('wedding venue on Saturday alerts', () => {
    const context = ruleContext({ places });
    const final = merged(visit(context, kashgar.hotel, '2026-03-14 12:00', 90).alerts);
    assert.equal(final[0]!.facts.kind, 'wedding_funeral');
    assert.equal(final[0]!.facts.dayType, 'weekend');
  });

  test('eight-minute visit is quiet', () => {
    const context = ruleContext({ places });
    assert.deepEqual(visit(context, kashgar.market, '2026-03-10 11:00', 8).alerts, []);
  });

  test('designated yard inside estate wins', () => {
    const context = ruleContext({ places: [...places, staffYard] });
    assert.deepEqual(visit(context, kashgar.market, '2026-03-10 21:00', 60).alerts, []);
  });

  test('empty visit categories turn check off', () => {
    const context = ruleContext({ places });
    const start = beijing('2026-03-10 21:00');
    const settings = detector.parseSettings({ visitCategories: [] });
    assert.deepEqual(runDetector(detector, stayEvents(context, kashgar.market, start, start + hour), context, settings).alerts, []);
  });
});

/** Returns a trip of 6 km starting at a Beijing time, without an order unless one is given. */
function tripAt(context: RuleContext, text: string, extra: Partial<Parameters<typeof tripEvent>[0]> = {}) {
  const start = beijing(text);
  return tripEvent({ to: stopAt(context, kashgar.market, start + 20 * minute, start + 40 * minute), start, distanceM: 6_000, ...extra });
}

describe('private_errand off-hours trips', () => {
  test('third evening trip in a week alerts', () => {
    const context = ruleContext({ places });
    const events = ['2026-03-09 21:30', '2026-03-10 07:30', '2026-03-12 22:00', '2026-03-13 21:00'].map((text) => tripAt(context, text));
    const { alerts, keys } = runDetector(detector, events, context);
    assert.deepEqual(keys, [`private_errand:1:trips:${beijing('2026-03-09 21:30')}`], 'the fourth trip merges into the series');
    assert.equal(alerts.length, 2);
    assert.equal(alerts[0]!.facts.tripCount, 3);
    assert.equal(alerts[1]!.facts.tripCount, 4);
    assert.equal(alerts[1]!.facts.kind, 'off_hours_trips');
    assert.equal(alerts[1]!.evidence.orderAbsent, true);
  });

  test('trips that do not count', () => {
    const start = beijing('2026-03-10 21:30');
    const context = ruleContext({ places, orders: [order(start - hour, start + hour)] });
    const events = [
      tripAt(context, '2026-03-09 21:30'),
      tripAt(context, '2026-03-10 21:30', { order: context.ordersBetween(start, start)[0]! }),
      tripAt(context, '2026-03-11 11:00'),
      tripAt(context, '2026-03-14 21:00'),
      tripAt(context, '2026-03-12 21:00', { distanceM: 400 }),
    ];
    assert.deepEqual(runDetector(detector, events, context).alerts, [], 'with an order, in working hours, on Saturday, or short');
  });

  test('trips spread over two weeks are quiet', () => {
    const context = ruleContext({ places });
    const events = ['2026-03-02 21:30', '2026-03-09 21:30', '2026-03-16 21:30'].map((text) => tripAt(context, text));
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('duty roster trips are exempt', () => {
    const context = ruleContext({ places, roster: ['1|2026-03-09', '1|2026-03-10', '1|2026-03-12'] });
    const events = ['2026-03-09 21:30', '2026-03-10 21:30', '2026-03-12 21:30'].map((text) => tripAt(context, text));
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('invalid school window is rejected', () => {
    assert.throws(() => detector.parseSettings({ schoolWindows: [{ from: '9:00', to: '10:00' }] }), /schoolWindows\.0\.from/);
    assert.throws(() => detector.parseSettings({ visitCategories: ['hotel'] }), /visitCategories/);
  });
});
