import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../../src/errors.ts';
import { nonOfficialPlaceDetector as detector } from '../../../src/rules/detectors/non-official-place.ts';
import { ruleContext, ruleFixes, runEngine } from '../../helpers/rule-events.ts';
import { beijing, circle, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { destination, fixEvent, merged, minute, hour, order, place, runDetector, stayEvents } from './support.ts';

const office = place(1, 'government_office', square(kashgar.office, 120), 1, '地区行署');
const hotel = place(2, 'hotel', square(kashgar.hotel, 80), null, '其尼瓦克宾馆');
const ktv = place(3, 'entertainment', circle(kashgar.market, 60), null, '某KTV');
// A hotel right next to the office: its outline starts 70 m east of the office's centre.
const hotelNextDoor = place(4, 'hotel', square(offset(kashgar.office, 0, 110), 80), null, '隔壁宾馆');
// A guest house inside the government compound: its outline lies within the office's.
const guestHouse = place(5, 'hotel', square(kashgar.office, 40), null, '机关招待所');
const places = [office, hotel, ktv, hotelNextDoor, guestHouse];
const morning = beijing('2026-03-10 10:30');

describe('non_official_place', () => {
  test('forty minutes at hotel is one alert', () => {
    const context = ruleContext({ places });
    const { alerts, keys } = runDetector(detector, stayEvents(context, kashgar.hotel, morning, morning + 40 * minute), context);

    assert.equal(keys.length, 1, 'one alert per stop');
    assert.equal(keys[0], `non_official_place:1:${morning}`);
    const first = alerts[0]!;
    assert.equal(first.end, morning + 30 * minute, 'raised while the stop lasts, at the dwell');
    const final = merged(alerts)[0]!;
    assert.equal(final.end, morning + 40 * minute, 'updated with the full stay when the stop ends');
    assert.equal(final.facts.durationS, 2400);
    assert.equal(final.facts.placeName, '其尼瓦克宾馆');
    assert.equal(final.facts.placeCategory, 'hotel');
    assert.equal(final.facts.minDwellS, 1800);
    assert.equal(final.severity, 'medium');
    assert.equal(final.evidence.placeId, 2);
    assert.equal(final.evidence.orderAbsent, true);
    assert.ok(final.evidence.positionIds.length > 0);
  });

  test('twenty minutes at hotel is no alert', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.hotel, morning, morning + 20 * minute), context);
    assert.deepEqual(alerts, []);
  });

  test('entertainment venue alerts after ten minutes', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.market, morning, morning + 15 * minute), context);
    assert.equal(merged(alerts).length, 1);
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.facts.placeCategory, 'entertainment');
  });

  test('parking at office beside hotel is no alert', () => {
    const context = ruleContext({ places });
    const atOffice = offset(kashgar.office, 0, 40);
    const { alerts, state } = runDetector(detector, stayEvents(context, atOffice, morning, morning + 3 * hour, { driftM: 25 }), context);
    assert.deepEqual(alerts, []);
    assert.equal(state.current, null);
  });

  test('guest house inside compound loses to office', () => {
    const context = ruleContext({ places });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.office, morning, morning + 2 * hour), context);
    assert.deepEqual(alerts, []);
  });

  test('inside hotel beside office still alerts', () => {
    const context = ruleContext({ places });
    const inHotel = offset(kashgar.office, 0, 100);
    const { alerts } = runDetector(detector, stayEvents(context, inHotel, morning, morning + hour), context);
    const final = merged(alerts);
    assert.equal(final.length, 1);
    assert.equal(final[0]!.facts.placeName, '隔壁宾馆');
    assert.equal(final[0]!.facts.officialPlaceName, '地区行署', 'the nearby office is named for the reviewer');
    assert.ok((final[0]!.facts.officialOutsideM as number) > 0);
  });

  test('hotel named by covering order is no alert', () => {
    const meeting = order(morning - hour, morning + 3 * hour, { destinations: [destination(kashgar.hotel, 100, 2, '其尼瓦克宾馆')] });
    const context = ruleContext({ places, orders: [meeting] });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.hotel, morning, morning + 2 * hour), context);
    assert.deepEqual(alerts, []);
  });

  test('order to elsewhere leaves hotel stop reported', () => {
    const errand = order(morning - hour, morning + 3 * hour, { destinations: [destination(kashgar.school, 200)] });
    const context = ruleContext({ places, orders: [errand] });
    const { alerts } = runDetector(detector, stayEvents(context, kashgar.hotel, morning, morning + hour), context);
    const final = merged(alerts)[0]!;
    assert.equal(final.facts.orderId, errand.id);
    assert.equal(final.evidence.tripOrderId, errand.id);
    assert.equal(final.evidence.orderAbsent, false);
  });

  test('hotel night on out-of-area order is ignored', () => {
    const evening = beijing('2026-03-10 21:00');
    const away = order(evening - 10 * hour, evening + 20 * hour, { outOfArea: true });
    const context = ruleContext({ places, orders: [away] });
    const events = stayEvents(context, kashgar.hotel, evening, evening + 10 * hour, { everyMin: 30 });
    assert.deepEqual(runDetector(detector, events, context).alerts, []);

    const strict = detector.parseSettings({ ignoreHotelsOnOutOfAreaOrders: false });
    assert.equal(merged(runDetector(detector, events, context, strict).alerts).length, 1);
  });

  test('two visits are two alerts', () => {
    const context = ruleContext({ places });
    const events = [
      ...stayEvents(context, kashgar.hotel, morning, morning + 40 * minute),
      ...stayEvents(context, kashgar.hotel, morning + 3 * hour, morning + 4 * hour),
    ];
    assert.equal(runDetector(detector, events, context).keys.length, 2);
  });

  test('fix far from stop does not extend it', () => {
    const context = ruleContext({ places });
    const events = stayEvents(context, kashgar.hotel, morning, morning + 20 * minute);
    const ended = events.pop()!;
    // The vehicle has left (a fix 2 km away) but segmentation has not yet ended the stop.
    events.push(fixEvent(kashgar.office, morning + 35 * minute, { speedKmh: 40 }), ended);
    assert.deepEqual(runDetector(detector, events, context).alerts, []);
  });

  test('drive-by and red light are no stop', () => {
    const start = beijing('2026-03-10 10:00');
    const west = offset(kashgar.hotel, 0, -2_000);
    const east = offset(kashgar.hotel, 0, 2_000);
    const approach = drive({ from: west, to: kashgar.hotel, start });
    const light = park({ at: kashgar.hotel, start: endOf(approach) + 30_000, minutes: 3, intervalS: 30, acc: true });
    const onward = drive({ from: kashgar.hotel, to: east, start: endOf(light) });
    const run = runEngine({ fixes: ruleFixes([...approach, ...light, ...onward]), places, detectors: [detector] });
    assert.equal(run.events.filter((e) => e.type === 'stop_started').length, 0);
    assert.deepEqual(run.alerts, []);
  });

  test('engine run with drift alerts once', () => {
    const start = beijing('2026-03-10 10:00');
    const approach = drive({ from: kashgar.office, to: kashgar.hotel, start });
    const stay = park({ at: kashgar.hotel, start: endOf(approach) + 30_000, minutes: 50, intervalS: 30, driftM: 20 });
    const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(stay) });
    const run = runEngine({ fixes: ruleFixes([...approach, ...stay, ...back]), places, detectors: [detector] });
    const final = merged(run.alerts);
    assert.equal(final.length, 1);
    assert.ok((final[0]!.facts.durationS as number) >= 49 * 60, 'the whole stay of about fifty minutes');
    const spreadM = final[0]!.facts.spreadM as number;
    assert.ok(spreadM > 5, 'the drift around the spot is shown as spread');
    assert.ok(spreadM <= 40, 'the spread stays within twice the 20 m drift');
  });
});

describe('non_official_place settings', () => {
  test('partial override keeps other defaults', () => {
    const settings = detector.parseSettings({ officialMarginM: 10 });
    assert.equal(settings.officialMarginM, 10);
    assert.deepEqual(settings.categories, detector.defaults.categories);
  });

  test('unknown setting is rejected by name', () => {
    assert.throws(() => detector.parseSettings({ minDwell: 5 }), (error: AppError) => {
      assert.equal(error.code, 'GONGCHE_ERR_VALIDATION');
      assert.match(error.message, /minDwell/);
      assert.match(error.message, /non_official_place/);
      return true;
    });
  });

  test('out-of-range dwell is rejected with path', () => {
    assert.throws(() => detector.parseSettings({ categories: { hotel: { minDwellMin: 0, severity: 'low' } } }), (error: AppError) => {
      assert.match(error.message, /categories\.hotel\.minDwellMin/);
      assert.equal(error.value, 0);
      return true;
    });
  });

  test('empty category table is rejected', () => {
    assert.throws(() => detector.parseSettings({ categories: {} }), /at least one category/);
  });

  test('unknown category is rejected', () => {
    assert.throws(() => detector.parseSettings({ categories: { casino: { minDwellMin: 5, severity: 'high' } } }), AppError);
  });
});
