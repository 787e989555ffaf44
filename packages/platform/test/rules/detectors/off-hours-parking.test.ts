import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { offHoursParkingDetector as detector } from '../../../src/rules/detectors/off-hours-parking.ts';
import type { RuleEvent } from '../../../src/rules/engine/types.ts';
import { ruleContext, ruleFixes, runEngine } from '../../helpers/rule-events.ts';
import { beijing, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { fixEvent, hour, merged, minute, order, place, runDetector, stayEvents, stopAt } from './support.ts';

// The unit's car park: a 100 m square around the office (its edge is 50 m from the centre).
const carPark = place(1, 'designated_parking', square(kashgar.office, 100), 1, '行署停车场');
const housing = place(2, 'residential', square(kashgar.market, 200), null, '某小区');
const places = [carPark, housing];
const evening = beijing('2026-03-10 19:00');
const nightStart = beijing('2026-03-10 23:00');

describe('off_hours_parking', () => {
  test('night at a housing estate alerts once', () => {
    const context = ruleContext({ places });
    const { alerts, keys } = runDetector(detector, stayEvents(context, kashgar.market, evening, beijing('2026-03-11 08:30'), { everyMin: 15 }), context);
    assert.deepEqual(keys, [`off_hours_parking:1:night:${nightStart}`], 'one alert for the night, none for the evening');
    const first = alerts[0]!;
    assert.equal(first.end, nightStart + 2 * hour, 'raised once two hours of the night have passed');
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.kind, 'night');
    assert.equal(final.facts.night, '2026-03-10');
    assert.equal(final.facts.restInNightS, 9 * 3600);
    assert.equal(final.facts.nightWindow, '23:00-08:00');
    assert.equal(final.facts.placeName, '某小区');
    assert.equal(final.facts.nearestDesignatedPlaceName, '行署停车场');
    assert.ok((final.facts.distanceFromDesignatedM as number) > 4_000);
    assert.equal(final.evidence.placeId, 2);
  });

  test('night in car park with drift is quiet', () => {
    // Parked 10 m inside the edge; the fixes wander 30 m, so some lie 20 m outside the fence.
    const start = beijing('2026-03-10 18:00');
    const spot = offset(kashgar.office, 0, 40);
    const arrive = drive({ from: offset(kashgar.office, 0, -3_000), to: spot, start });
    const night = park({ at: spot, start: endOf(arrive) + 60_000, minutes: 15 * 60, intervalS: 120, driftM: 30 });
    const run = runEngine({ fixes: ruleFixes([...arrive, ...night]), places, detectors: [detector] });
    assert.ok(run.events.some((e) => e.type === 'stop_started'));
    assert.deepEqual(run.alerts, []);
  });

  test('fixes biased outside the fence are quiet', () => {
    // Every fix lies 20-40 m outside the fence (multipath next to a building): the median is 30 m out.
    const context = ruleContext({ places });
    const outside = offset(kashgar.office, 0, 80);
    const { alerts } = runDetector(detector, stayEvents(context, outside, evening, beijing('2026-03-11 08:00'), { everyMin: 10, driftM: 10 }), context);
    assert.deepEqual(alerts, []);
  });

  test('arrived vehicle stays home despite garage drift', () => {
    // The vehicle drove in slowly, then its fixes in the garage lie 100 m off, inside the exit margin.
    const context = ruleContext({ places });
    const offFence = offset(kashgar.office, 150, 0);
    const events: RuleEvent[] = [fixEvent(kashgar.office, evening - 2 * minute, { speedKmh: 3 }), ...stayEvents(context, offFence, evening, beijing('2026-03-11 08:00'), { everyMin: 10 })];
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('driving past home does not enter it', () => {
    const context = ruleContext({ places });
    const nearby = offset(kashgar.office, 170, 0);
    const events: RuleEvent[] = [
      fixEvent(kashgar.office, evening - 10 * minute, { speedKmh: 40 }),
      fixEvent(offset(kashgar.office, 100, 0), evening - 9 * minute, { speedKmh: 35 }),
      ...stayEvents(context, nearby, evening, beijing('2026-03-11 08:00'), { everyMin: 10 }),
    ];
    const { alerts } = runDetector(detector, events, context);
    assert.equal(merged(alerts).length, 1, 'parked 120 m outside the fence after driving past');
  });

  test('leaving takes three fixes beyond margin', () => {
    const context = ruleContext({ places });
    const far = offset(kashgar.office, 2_000, 0);
    const home = [fixEvent(kashgar.office, evening - 30 * minute, { speedKmh: 0 })];
    const twoOut = [fixEvent(far, evening - 20 * minute, { speedKmh: 40 }), fixEvent(far, evening - 19 * minute, { speedKmh: 40 })];
    const stay = stayEvents(context, far, evening, beijing('2026-03-11 08:00'), { everyMin: 10 });
    const afterTwo = runDetector(detector, [...home, ...twoOut], context);
    assert.equal(afterTwo.state.atHome, true, 'two fixes outside are not enough to leave');
    assert.equal(afterTwo.state.outsideRun, 2);
    const { alerts } = runDetector(detector, [...home, ...twoOut, ...stay], context);
    assert.equal(merged(alerts).length, 1, 'the stay itself brings the third fix and leaves');
  });

  test('rest from 21:00 to 01:30 counts that night', () => {
    const context = ruleContext({ places });
    const { keys } = runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-10 21:00'), beijing('2026-03-11 01:30'), { everyMin: 10 }), context);
    assert.deepEqual(keys, [`off_hours_parking:1:night:${nightStart}`]);
  });

  test('ninety night minutes are not enough', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-10 22:00'), beijing('2026-03-11 00:30'), { everyMin: 10 }), context);
    assert.deepEqual(alerts, []);
  });

  test('night under an order is not reported', () => {
    const context = ruleContext({ places, orders: [order(evening, beijing('2026-03-11 12:00'), { outOfArea: true })] });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.market, evening, beijing('2026-03-11 08:30'), { everyMin: 15 }), context);
    assert.deepEqual(alerts, []);
  });

  test('weekend away is one alert per night', () => {
    const context = ruleContext({ places });
    const { keys, alerts } = runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-13 20:30'), beijing('2026-03-16 09:00'), { everyMin: 30 }), context);
    const nights = keys.filter((key) => key.includes(':night:'));
    assert.equal(nights.length, 3, 'Friday, Saturday and Sunday nights');
    assert.equal(keys.length, 3, 'the daytime between the nights is not reported again');
    assert.equal(merged(alerts).filter((alert) => alert.facts.kind === 'off_hours').length, 0);
  });

  test('Saturday afternoon into night is two findings', () => {
    const context = ruleContext({ places });
    const start = beijing('2026-03-14 14:00');
    const { keys } = runDetector(detector, stayEvents(context, kashgar.market, start, beijing('2026-03-15 08:30'), { everyMin: 15 }), context);
    assert.deepEqual(keys, [`off_hours_parking:1:rest:${start}`, `off_hours_parking:1:night:${beijing('2026-03-14 23:00')}`], 'the afternoon reached four hours before the night began');
  });

  test('working-hours stop is not off hours', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-10 10:00'), beijing('2026-03-10 19:30'), { everyMin: 15 }), context);
    assert.deepEqual(alerts, [], 'only 14:00-16:00 and 20:00-20:00 fall off hours');
  });

  test('Saturday daytime rest alerts', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-14 09:00'), beijing('2026-03-14 15:00'), { everyMin: 15 }), context);
    const final = merged(alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.facts.kind, 'off_hours');
    assert.equal(final[0]!.facts.offHoursRestS, 6 * 3600);
    const off = detector.parseSettings({ offHoursRestMin: null });
    assert.deepEqual(runDetector(detector, stayEvents(context, kashgar.market, beijing('2026-03-14 09:00'), beijing('2026-03-14 15:00')), context, off).alerts, []);
  });

  test('silent terminal overnight still alerts', () => {
    // One fix in the evening and the next in the morning at the same spot: the stop starts at the morning fix, backdated.
    const evening2 = park({ at: kashgar.market, start: beijing('2026-03-10 21:50'), minutes: 2 });
    const morning = park({ at: kashgar.market, start: beijing('2026-03-11 07:40'), minutes: 2 });
    const away = drive({ from: kashgar.market, to: kashgar.hotel, start: endOf(morning) });
    const approach = drive({ from: kashgar.hotel, to: kashgar.market, start: beijing('2026-03-10 21:30') });
    const run = runEngine({ fixes: ruleFixes([...approach, ...evening2, ...morning, ...away]), places, detectors: [detector] });
    const final = merged(run.alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.key, `off_hours_parking:1:night:${nightStart}`);
  });

  test('vehicle without designated parking is skipped', () => {
    const context = ruleContext({ places: [housing] });
    const { alerts, state } = runDetector(detector, stayEvents(context, kashgar.market, evening, beijing('2026-03-11 08:30'), { everyMin: 30 }), context);
    assert.deepEqual(alerts, []);
    assert.deepEqual(state, detector.initialState());
  });

  test('stop started at home stays home', () => {
    const context = ruleContext({ places });
    const events = stayEvents(context, kashgar.office, evening, beijing('2026-03-11 08:00'), { everyMin: 30 });
    // The final median moved 200 m out (a late burst of bad fixes): the stop began at home, so it stays there.
    const ended = events.pop()!;
    assert.equal(ended.type, 'stop_ended');
    events.push({ type: 'stop_ended', stop: stopAt(context, offset(kashgar.office, 200, 0), evening, beijing('2026-03-11 08:00')) });
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('exit margin below home margin is rejected', () => {
    assert.throws(() => detector.parseSettings({ homeMarginM: 200, exitMarginM: 100 }), /exitMarginM/);
  });
});
