import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { holidayUseDetector as detector } from '../../../src/rules/detectors/holiday-use.ts';
import type { RuleContext } from '../../../src/rules/engine/types.ts';
import { ruleContext, ruleFixes, runEngine } from '../../helpers/rule-events.ts';
import { beijing, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import { hour, merged, minute, order, runDetector, stopAt, tripEvent } from './support.ts';

/** Returns a trip from the office to the market starting at a Beijing time, lasting `minutes`. */
function tripAt(context: RuleContext, startText: string, minutes = 30, extra: Partial<Parameters<typeof tripEvent>[0]> = {}) {
  const start = beijing(startText);
  const end = start + minutes * minute;
  return tripEvent({ from: stopAt(context, kashgar.office, start - hour, start), to: stopAt(context, kashgar.market, end, end + 10 * minute), start, end, distanceM: 6_000, ...extra });
}

const run = (context: RuleContext, events: ReturnType<typeof tripAt>[], settings = detector.defaults) => runDetector(detector, events, context, settings);

describe('holiday_use', () => {
  test('Saturday trip without order alerts', () => {
    const context = ruleContext();
    const { alerts, keys } = run(context, [tripAt(context, '2026-03-14 11:00')]);
    assert.deepEqual(keys, [`holiday_use:1:${beijing('2026-03-14 00:00')}`]);
    const alert = alerts[0]!;
    assert.equal(alert.facts.dayType, 'weekend');
    assert.equal(alert.facts.date, '2026-03-14');
    assert.equal(alert.facts.calendarMissing, false);
    assert.equal(alert.severity, 'medium');
    assert.equal(alert.evidence.orderAbsent, true);
    assert.equal(alert.start, beijing('2026-03-14 11:00'));
  });

  test('two trips one day merge', () => {
    const context = ruleContext();
    const { alerts, keys } = run(context, [tripAt(context, '2026-03-14 11:00'), tripAt(context, '2026-03-14 17:00')]);
    assert.equal(keys.length, 1);
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.tripCountThatDay, 2);
    assert.equal(final.facts.distanceThatDayM, 12_000);
    assert.equal(final.start, beijing('2026-03-14 11:00'));
    assert.equal(final.end, beijing('2026-03-14 17:30'));
  });

  test('Saturday and Sunday are two alerts', () => {
    const context = ruleContext();
    const { keys } = run(context, [tripAt(context, '2026-03-14 11:00'), tripAt(context, '2026-03-15 11:00')]);
    assert.equal(keys.length, 2);
  });

  test('National Day is a holiday', () => {
    const context = ruleContext();
    const { alerts } = run(context, [tripAt(context, '2026-10-02 11:00')]);
    assert.equal(alerts[0]!.facts.dayType, 'holiday');
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(typeof alerts[0]!.facts.holidayName, 'string');
  });

  test('adjusted working Sunday is a workday', () => {
    const context = ruleContext();
    assert.deepEqual(run(context, [tripAt(context, '2026-09-20 11:00')]).alerts, [], 'Sunday 2026-09-20 is worked before National Day');
    assert.deepEqual(run(context, [tripAt(context, '2026-02-14 11:00')]).alerts, [], 'Saturday 2026-02-14 is worked before the Spring Festival');
  });

  test('approved holiday order covers trip', () => {
    const start = beijing('2026-10-02 11:00');
    const context = ruleContext({ orders: [order(start - hour, start + 2 * hour, { holidayUse: true })] });
    assert.deepEqual(run(context, [tripAt(context, '2026-10-02 11:00')]).alerts, []);
  });

  test('order without holiday flag does not cover', () => {
    const start = beijing('2026-10-02 11:00');
    const plain = order(start - hour, start + 2 * hour);
    const context = ruleContext({ orders: [plain] });
    const { alerts } = run(context, [tripAt(context, '2026-10-02 11:00', 30, { order: plain })]);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.orderId, plain.id, 'the order without holiday approval is shown');
  });

  test('order window tolerance is thirty minutes', () => {
    const start = beijing('2026-10-02 11:00');
    const context = ruleContext({ orders: [order(start + 20 * minute, start + 2 * hour, { holidayUse: true })] });
    assert.deepEqual(run(context, [tripAt(context, '2026-10-02 11:00')]).alerts, [], 'starting 20 minutes early is covered');
    const late = ruleContext({ orders: [order(start + 45 * minute, start + 2 * hour, { holidayUse: true })] });
    assert.equal(run(late, [tripAt(late, '2026-10-02 11:00')]).alerts.length, 1, 'starting 45 minutes early is not');
  });

  test('duty roster vehicle is exempt', () => {
    const context = ruleContext({ roster: ['1|2026-10-02'] });
    assert.deepEqual(run(context, [tripAt(context, '2026-10-02 11:00')]).alerts, []);
    const settings = detector.parseSettings({ exemptDutyRoster: false });
    assert.equal(run(context, [tripAt(context, '2026-10-02 11:00')], settings).alerts.length, 1);
  });

  test('trip past Friday midnight counts Saturday', () => {
    const context = ruleContext();
    // 23:50 Friday Beijing time is 15:50 UTC: the whole trip is on Friday in UTC.
    const { alerts, keys } = run(context, [tripAt(context, '2026-03-13 23:50')]);
    assert.deepEqual(keys, [`holiday_use:1:${beijing('2026-03-14 00:00')}`]);
    assert.equal(alerts[0]!.start, beijing('2026-03-14 00:00'), 'only the part on Saturday is in the span');
  });

  test('early Monday trip is a workday', () => {
    const context = ruleContext();
    // 00:10 Monday Beijing time is still Sunday in UTC.
    assert.deepEqual(run(context, [tripAt(context, '2026-03-16 00:10')]).alerts, []);
  });

  test('Sunday night trip counts Sunday', () => {
    const context = ruleContext();
    const { keys } = run(context, [tripAt(context, '2026-03-15 23:40', 60)]);
    assert.deepEqual(keys, [`holiday_use:1:${beijing('2026-03-15 00:00')}`]);
  });

  test('short move is not use', () => {
    const context = ruleContext();
    assert.deepEqual(run(context, [tripAt(context, '2026-03-14 11:00', 5, { distanceM: 300 })]).alerts, []);
  });

  test('year without schedule goes by weekday', () => {
    const context = ruleContext();
    const saturday = run(context, [tripAt(context, '2027-01-02 11:00')]).alerts;
    assert.equal(saturday.length, 1);
    assert.equal(saturday[0]!.facts.calendarMissing, true);
    assert.equal(saturday[0]!.facts.dayType, 'weekend');
    assert.deepEqual(run(context, [tripAt(context, '2027-01-01 11:00')]).alerts, [], 'a Friday without a schedule is taken as a workday');
  });

  test('engine run on Saturday alerts once', () => {
    const start = beijing('2026-03-14 10:00');
    const home = park({ at: kashgar.office, start, minutes: 20 });
    const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(home) });
    const there = park({ at: kashgar.market, start: endOf(out) + 60_000, minutes: 30 });
    const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(there) });
    const again = park({ at: kashgar.office, start: endOf(back) + 60_000, minutes: 20 });
    const result = runEngine({ fixes: ruleFixes([...home, ...out, ...there, ...back, ...again]), detectors: [detector] });
    assert.equal(result.trips.length, 2);
    const final = merged(result.alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.facts.tripCountThatDay, 2);
  });

  test('invalid settings are rejected', () => {
    assert.throws(() => detector.parseSettings({ minTripDistanceM: -1 }), /minTripDistanceM/);
    assert.throws(() => detector.parseSettings({ holidaySeverity: 'urgent' }), /holidaySeverity/);
  });
});
