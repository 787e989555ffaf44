import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/errors.ts';
import { customDetector as detector } from '../../../src/rules/detectors/custom.ts';
import type { RuleContext, RuleEvent } from '../../../src/rules/engine/types.ts';
import { ruleContext } from '../../helpers/rule-events.ts';
import { beijing, circle, kashgar } from '../../helpers/rule-fixes.ts';
import { fixEvent, hour, minute, order, place, runDetector, stayEvents, stopAt, tripEvent } from './support.ts';

const lake = place(1, 'scenic_spot', circle(kashgar.hotel, 300), null, '东湖公园');
const places = [lake];

const scenicWeekend = {
  id: 'scenic-weekend',
  name: '周末在景区停留超过一小时',
  on: 'stop',
  severity: 'high',
  when: { placeCategories: ['scenic_spot'], dayTypes: ['weekend', 'holiday'], durationMin: { min: 60 } },
};
const speeding = {
  id: 'speeding-no-order',
  name: '无派车单行驶超过 100 km/h',
  on: 'trip',
  when: { topSpeedKmh: { min: 100 }, order: 'absent' },
};
const lateNight = {
  id: 'late-night',
  name: '凌晨停留',
  on: 'stop',
  when: { timeWindows: [{ from: '23:30', to: '05:00' }] },
};

const stayAt = (context: RuleContext, text: string, minutes: number) => {
  const start = beijing(text);
  return stayEvents(context, kashgar.hotel, start, start + minutes * minute, { everyMin: 10 });
};

/** Returns the fixes of a trip that reach the given speeds, then its trip_ended event. */
function tripWithSpeeds(context: RuleContext, text: string, speeds: number[], extra: Partial<Parameters<typeof tripEvent>[0]> = {}): RuleEvent[] {
  const start = beijing(text);
  const fixes = speeds.map((speedKmh, i) => fixEvent(kashgar.market, start + i * minute, { speedKmh }));
  const end = start + speeds.length * minute;
  return [...fixes, tripEvent({ to: stopAt(context, kashgar.market, end, end + 10 * minute), start, end, distanceM: 60_000, ...extra })];
}

describe('custom rules', () => {
  test('weekend hour at scenic spot alerts', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [scenicWeekend] });
    const start = beijing('2026-03-14 15:00');
    const { alerts } = runDetector(detector, stayAt(context, '2026-03-14 15:00', 90), context, settings);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.key, `custom:1:scenic-weekend:${start}`);
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.facts.ruleName, '周末在景区停留超过一小时');
    assert.equal(alerts[0]!.facts.placeName, '东湖公园');
    assert.equal(alerts[0]!.facts.dayType, 'weekend');
    assert.equal(alerts[0]!.facts.durationS, 90 * 60);
    assert.equal(alerts[0]!.evidence.placeId, 1);
  });

  test('unmet conditions are quiet', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [scenicWeekend] });
    assert.deepEqual(runDetector(detector, stayAt(context, '2026-03-10 15:00', 90), context, settings).alerts, [], 'a workday');
    assert.deepEqual(runDetector(detector, stayAt(context, '2026-03-14 15:00', 40), context, settings).alerts, [], 'forty minutes');
    const elsewhere = stayEvents(context, kashgar.office, beijing('2026-03-14 15:00'), beijing('2026-03-14 17:00'));
    assert.deepEqual(runDetector(detector, elsewhere, context, settings).alerts, [], 'not at a scenic spot');
  });

  test('window past midnight matches overlap', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [lateNight] });
    assert.equal(runDetector(detector, stayAt(context, '2026-03-10 23:00', 60), context, settings).alerts.length, 1, '23:00-00:00 overlaps 23:30-05:00');
    assert.deepEqual(runDetector(detector, stayAt(context, '2026-03-10 21:00', 60), context, settings).alerts, []);
    assert.equal(runDetector(detector, stayAt(context, '2026-03-11 04:30', 60), context, settings).alerts.length, 1, 'the early morning part');
  });

  test('top speed trip rule', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [speeding] });
    const fast = runDetector(detector, tripWithSpeeds(context, '2026-03-10 11:00', [60, 118, 90]), context, settings);
    assert.equal(fast.alerts.length, 1);
    assert.equal(fast.alerts[0]!.facts.topSpeedKmh, 118);
    assert.equal(fast.state.topSpeedKmh, 0, 'reset after the trip');

    const events = [...tripWithSpeeds(context, '2026-03-10 11:00', [60, 118]), ...tripWithSpeeds(context, '2026-03-10 14:00', [60, 90])];
    assert.equal(runDetector(detector, events, context, settings).alerts.length, 1, 'the second, slower trip does not inherit the first one\'s speed');
  });

  test('order present blocks absent rule', () => {
    const start = beijing('2026-03-10 11:00');
    const covering = order(start - hour, start + hour);
    const context = ruleContext({ places, orders: [covering] });
    const settings = detector.parseSettings({ rules: [speeding] });
    assert.deepEqual(runDetector(detector, tripWithSpeeds(context, '2026-03-10 11:00', [130], { order: covering }), context, settings).alerts, []);
  });

  test('speed is not tracked without a speed rule', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [scenicWeekend] });
    const { state } = runDetector(detector, [fixEvent(kashgar.market, beijing('2026-03-10 11:00'), { speedKmh: 120 })], context, settings);
    assert.equal(state.topSpeedKmh, 0);
  });

  test('disabled rule is quiet', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [{ ...scenicWeekend, enabled: false }] });
    assert.deepEqual(runDetector(detector, stayAt(context, '2026-03-14 15:00', 90), context, settings).alerts, []);
  });

  test('unknown year is flagged', () => {
    const context = ruleContext({ places });
    const settings = detector.parseSettings({ rules: [scenicWeekend] });
    const { alerts } = runDetector(detector, stayAt(context, '2027-01-02 15:00', 90), context, settings);
    assert.equal(alerts[0]!.facts.calendarMissing, true);
  });

  test('defaults have no rules', () => {
    assert.deepEqual(detector.defaults, { rules: [] });
  });
});

describe('custom rule schema', () => {
  const rejects = (rules: unknown[], pattern: RegExp) =>
    assert.throws(() => detector.parseSettings({ rules }), (error: AppError) => {
      assert.equal(error.code, 'GONGCHE_ERR_VALIDATION');
      assert.match(error.message, pattern);
      return true;
    });

  test('rule without conditions is rejected', () => rejects([{ ...scenicWeekend, when: {} }], /at least one condition/));
  test('code in a rule is rejected', () => rejects([{ ...scenicWeekend, when: { expression: 'vehicle.speed > 100' } }], /expression/));
  test('trip condition on stop rule is rejected', () => rejects([{ ...scenicWeekend, when: { topSpeedKmh: { min: 80 } } }], /trip rules only/));
  test('duplicate rule ids are rejected', () => rejects([scenicWeekend, scenicWeekend], /unique/));
  test('bad rule id is rejected', () => rejects([{ ...scenicWeekend, id: 'Scenic Weekend' }], /rules\.0\.id/));
  test('inverted range is rejected', () => rejects([{ ...speeding, when: { topSpeedKmh: { min: 120, max: 80 } } }], /min must not exceed max/));
  test('bad clock time is rejected', () => rejects([{ ...lateNight, when: { timeWindows: [{ from: '24:00', to: '05:00' }] } }], /HH:MM/));
  test('unknown category is rejected', () => rejects([{ ...scenicWeekend, when: { placeCategories: ['bar'] } }], /placeCategories/));
});
