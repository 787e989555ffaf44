import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lendingDetector as detector } from '../../../src/rules/detectors/lending.ts';
import type { RuleContext } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, kashgar, square, type Point } from '../../helpers/rule-fixes.ts';
import { destination, hour, merged, minute, order, place, runDetector, stayEvents, stopAt, tripEvent } from './support.ts';

const ownCarPark = place(1, 'designated_parking', square(kashgar.office, 100), 1, '本单位停车场');
const otherCarPark = place(2, 'other_unit_parking', square(kashgar.hotel, 100), 7, '县交通局停车场');
const thirdCarPark = place(3, 'other_unit_parking', square(kashgar.market, 100), 8, '乡政府停车场');
// Another unit's car park drawn over ours: a shared compound.
const sharedYard = place(4, 'other_unit_parking', square(kashgar.office, 140), 9, '合署办公停车场');
const places = [ownCarPark, otherCarPark, thirdCarPark];
const cards = new Map([[1, new Set(['A1001', 'A1002'])]]);

function tripAt(context: RuleContext, text: string, extra: Partial<Parameters<typeof tripEvent>[0]> = {}) {
  const start = beijing(text);
  return tripEvent({ to: stopAt(context, kashgar.market, start + 30 * minute, start + hour), start, distanceM: 8_000, ...extra });
}

describe('lending driver cards', () => {
  test('unregistered driver card alerts', () => {
    const covering = order(beijing('2026-03-10 10:00'), beijing('2026-03-10 12:00'));
    const context = ruleContext({ places, unitDriverCards: cards, orders: [covering] });
    const { alerts, keys } = runDetector(detector, [tripAt(context, '2026-03-10 10:30', { driverCards: ['A1001', 'B9009'], order: covering })], context);
    assert.deepEqual(keys, [`lending:1:driver:${beijing('2026-03-10 10:30')}`]);
    assert.equal(alerts[0]!.facts.kind, 'unregistered_driver');
    assert.equal(alerts[0]!.facts.unregisteredCards, 'B9009');
    assert.equal(alerts[0]!.facts.driverCards, 'A1001,B9009');
    assert.equal(alerts[0]!.severity, 'high');
    assert.ok(alerts[0]!.evidence.tripId !== null);
  });

  test('registered driver and no report are quiet', () => {
    const covering = order(beijing('2026-03-10 10:00'), beijing('2026-03-10 12:00'));
    const context = ruleContext({ places, unitDriverCards: cards, orders: [covering] });
    const events = [tripAt(context, '2026-03-10 10:30', { driverCards: ['A1002'], order: covering }), tripAt(context, '2026-03-10 11:00', { driverCards: [], order: covering })];
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });
});

describe('lending trips without order', () => {
  test('trip without order alerts low', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, [tripAt(context, '2026-03-10 10:30')], context);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.kind, 'no_order');
    assert.equal(alerts[0]!.facts.tripVerdict, 'no_order');
    assert.equal(alerts[0]!.severity, 'low');
    assert.equal(alerts[0]!.evidence.orderAbsent, true);
  });

  test('template without orders turns it off', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ requireOrders: false });
    assert.deepEqual(runDetector(detector, [tripAt(context, '2026-03-10 10:30')], context, settings).alerts, []);
  });

  test('short moves and roster days are quiet', () => {
    const context = ruleContext({ places, roster: ['1|2026-03-11'] });
    const events = [tripAt(context, '2026-03-10 10:30', { distanceM: 600 }), tripAt(context, '2026-03-11 10:30')];
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('outside-window verdict is not absence', () => {
    const context = ruleContext({ places });
    const early = order(beijing('2026-03-10 12:00'), beijing('2026-03-10 14:00'));
    assert.deepEqual(runDetector(detector, [tripAt(context, '2026-03-10 10:30', { order: early, verdict: 'outside_window' })], context).alerts, []);
  });
});

describe('lending other units parking', () => {
  const nights = (context: RuleContext, point: Point, dates: string[]) =>
    dates.flatMap((date) => stayEvents(context, point, beijing(`${date} 12:00`), beijing(`${date} 14:30`), { everyMin: 10 }));

  test('third day at another unit alerts', () => {
    const context = ruleContext({ places });
    const { alerts, keys } = runDetector(detector, nights(context, kashgar.hotel, ['2026-03-02', '2026-03-09', '2026-03-20', '2026-03-25']), context);
    const otherUnit = keys.filter((key) => key.includes('other_unit'));
    assert.deepEqual(otherUnit, [`lending:1:other_unit:7:${beijing('2026-03-02 12:00')}`], 'one series; the fourth day merges into it');
    const final = merged(alerts.filter((alert) => alert.facts.kind === 'other_unit_parking'))[0]!;
    assert.equal(final.facts.restDays, 4);
    assert.equal(final.facts.otherUnitId, 7);
    assert.equal(final.facts.placeName, '县交通局停车场');
    assert.equal(final.facts.dates, '2026-03-02,2026-03-09,2026-03-20,2026-03-25');
  });

  test('two days and short stops are quiet', () => {
    const context = ruleContext({ places });
    const short = stayEvents(context, kashgar.hotel, beijing('2026-03-11 12:00'), beijing('2026-03-11 12:40'));
    const { keys } = runDetector(detector, [...nights(context, kashgar.hotel, ['2026-03-02', '2026-03-09']), ...short], context);
    assert.deepEqual(keys.filter((key) => key.includes('other_unit')), []);
  });

  test('two rests on one day count once', () => {
    const context = ruleContext({ places });
    const sameDay = stayEvents(context, kashgar.hotel, beijing('2026-03-09 16:00'), beijing('2026-03-09 18:00'), { everyMin: 10 });
    const { keys } = runDetector(detector, [...nights(context, kashgar.hotel, ['2026-03-02', '2026-03-09']), ...sameDay], context);
    assert.deepEqual(keys.filter((key) => key.includes('other_unit')), []);
  });

  test('different units are counted apart', () => {
    const context = ruleContext({ places });
    const events = [...nights(context, kashgar.hotel, ['2026-03-02', '2026-03-09']), ...nights(context, kashgar.market, ['2026-03-10'])];
    assert.deepEqual(runDetector(detector, events, context).keys.filter((key) => key.includes('other_unit')), []);
  });

  test('days beyond the period are dropped', () => {
    const context = ruleContext({ places });
    const { keys } = runDetector(detector, nights(context, kashgar.hotel, ['2026-01-05', '2026-02-10', '2026-03-20']), context);
    assert.deepEqual(keys.filter((key) => key.includes('other_unit')), []);
  });

  test('shared compound with own parking is home', () => {
    const context = ruleContext({ places: [ownCarPark, sharedYard] });
    const { keys } = runDetector(detector, nights(context, kashgar.office, ['2026-03-02', '2026-03-03', '2026-03-04']), context);
    assert.deepEqual(keys, []);
  });

  test('meetings named by orders are quiet', () => {
    const dates = ['2026-03-02', '2026-03-09', '2026-03-20'];
    const orders = dates.map((date) => order(beijing(`${date} 11:30`), beijing(`${date} 15:00`), { destinations: [destination(kashgar.hotel, 100, 2)] }));
    const context = ruleContext({ places, orders });
    assert.deepEqual(runDetector(detector, nights(context, kashgar.hotel, dates), context).keys.filter((key) => key.includes('other_unit')), []);
  });
});
