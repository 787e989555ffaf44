import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Place } from '../../../src/rules/places.ts';
import type { RuleEvent } from '../../../src/rules/engine/types.ts';
import { parseVehicleState } from '../../../src/rules/engine/state.ts';
import { distanceM } from '../../../src/ingest/geo.ts';
import { ruleFixes, runEngine } from '../../helpers/rule-events.ts';
import { beijing, circle, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { hotelStopDetector } from './fixtures/hotel-stop-detector.ts';

const summary = (events: RuleEvent[]) => events.filter((e) => e.type !== 'fix').map((e) => e.type);

test('day_started at Beijing midnight', () => {
  // 15:50 to 16:10 UTC is 23:50 to 00:10 in Beijing.
  const fixes = park({ at: kashgar.office, start: Date.UTC(2026, 2, 2, 15, 50), minutes: 20, intervalS: 300 });
  const run = runEngine({ fixes: ruleFixes(fixes) });
  const days = run.events.filter((e) => e.type === 'day_started');
  assert.deepEqual(days.map((e) => e.date), ['2026-03-02', '2026-03-03']);
  assert.equal(days[1]!.at, Date.UTC(2026, 2, 2, 16, 0));
  assert.equal(run.checkpoints.length, 1, 'a checkpoint before the first fix of the new day');
  assert.equal(run.checkpoints[0]!.time, Date.UTC(2026, 2, 2, 15, 55));
});

test('invalid fixes reach detectors only', () => {
  const fixes = ruleFixes(park({ at: kashgar.office, start: beijing('2026-03-02 09:00'), minutes: 30 }).map((f) => ({ ...f, fixed: false })));
  const run = runEngine({ fixes });
  assert.equal(run.events.filter((e) => e.type === 'fix').length, fixes.length);
  assert.ok(run.events.every((e) => e.type !== 'fix' || !e.fix.valid));
  assert.deepEqual(summary(run.events), ['day_started']);
});

test('drive-by is never a stop', () => {
  const hotel: Place = { id: 2, name: '宾馆', category: 'hotel', unitId: null, shape: circle(kashgar.hotel, 120) };
  const there = drive({ from: kashgar.office, to: kashgar.hotel, start: beijing('2026-03-02 09:00') });
  // Two minutes at a red light in front of the hotel, then on to the market.
  const light = park({ at: kashgar.hotel, start: endOf(there), minutes: 2, intervalS: 30, acc: true });
  const on = drive({ from: kashgar.hotel, to: kashgar.market, start: endOf(light) });
  const run = runEngine({ places: [hotel], detectors: [hotelStopDetector], fixes: ruleFixes([...there, ...light, ...on]) });
  assert.deepEqual(summary(run.events), ['day_started']);
  assert.equal(run.alerts.length, 0);
});

test('parking drift stays at designated parking', () => {
  // A 60 m square car park; the parked car's fixes wander up to 60 m, so many fall 30 m outside it.
  const parking: Place = { id: 1, name: '本单位停车场', category: 'designated_parking', unitId: 1, shape: square(kashgar.office, 60) };
  const corner = offset(kashgar.office, 25, 25);
  const fixes = park({ at: corner, start: beijing('2026-03-02 22:00'), minutes: 60, driftM: 60 });
  const run = runEngine({ places: [parking], fixes: ruleFixes(fixes) });
  const started = run.events.find((e) => e.type === 'stop_started');
  assert.ok(started && started.type === 'stop_started');
  assert.deepEqual(started.stop.places.map((m) => m.place.id), [1]);
  assert.ok(started.stop.spreadM > 30, `spread ${started.stop.spreadM} m is reported for the reviewer`);
});

test('hotel beside the office not matched', () => {
  const office: Place = { id: 1, name: '机关大院', category: 'government_office', unitId: null, shape: square(kashgar.office, 100) };
  // The hotel's edge is 20 m east of the office's edge.
  const hotel: Place = { id: 2, name: '隔壁宾馆', category: 'hotel', unitId: null, shape: square(offset(kashgar.office, 0, 120), 100) };
  const fixes = park({ at: offset(kashgar.office, 0, 30), start: beijing('2026-03-02 10:00'), minutes: 40, driftM: 10 });
  const run = runEngine({ places: [office, hotel], detectors: [hotelStopDetector], fixes: ruleFixes(fixes) });
  const started = run.events.find((e) => e.type === 'stop_started');
  assert.ok(started && started.type === 'stop_started');
  assert.deepEqual(started.stop.places.map((m) => m.place.name), ['机关大院']);
  assert.equal(run.alerts.length, 0);
});

test('official places listed first', () => {
  const office: Place = { id: 5, name: '机关大院', category: 'government_office', unitId: null, shape: circle(kashgar.office, 200) };
  const restaurant: Place = { id: 3, name: '院内食堂', category: 'restaurant', unitId: null, shape: circle(kashgar.office, 50) };
  const fixes = park({ at: kashgar.office, start: beijing('2026-03-02 12:00'), minutes: 30 });
  const run = runEngine({ places: [restaurant, office], fixes: ruleFixes(fixes) });
  const started = run.events.find((e) => e.type === 'stop_started');
  assert.ok(started && started.type === 'stop_started');
  assert.deepEqual(started.stop.places.map((m) => m.place.id), [5, 3]);
});

test('stop place kept with hysteresis', () => {
  // The car parks just inside a circle, then its fixes settle 30 m outside the edge.
  const hotel: Place = { id: 2, name: '宾馆', category: 'hotel', unitId: null, shape: circle(kashgar.hotel, 100) };
  const inside = park({ at: offset(kashgar.hotel, 0, 95), start: beijing('2026-03-02 20:00'), minutes: 10 });
  const outside = park({ at: offset(kashgar.hotel, 0, 130), start: endOf(inside), minutes: 40 });
  const away = drive({ from: offset(kashgar.hotel, 0, 130), to: kashgar.office, start: endOf(outside) });
  const run = runEngine({ places: [hotel], fixes: ruleFixes([...inside, ...outside, ...away]) });
  const ended = run.events.find((e) => e.type === 'stop_ended');
  assert.ok(ended && ended.type === 'stop_ended');
  assert.deepEqual(ended.stop.places.map((m) => m.place.id), [2], 'still at the hotel though the median left the circle');
  assert.ok(ended.stop.places[0]!.outsideM > 0);

  const fresh = park({ at: offset(kashgar.hotel, 0, 130), start: beijing('2026-03-02 20:00'), minutes: 40 });
  const entered = runEngine({ places: [hotel], fixes: ruleFixes(fresh) }).events.find((e) => e.type === 'stop_started');
  assert.ok(entered && entered.type === 'stop_started');
  assert.deepEqual(entered.stop.places, [], 'a stop 30 m outside never entered the hotel');
});

test('stored state continues the evaluation', () => {
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-02 23:00'), minutes: 30 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 90 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(atHotel) });
  const hotel: Place = { id: 2, name: '宾馆', category: 'hotel', unitId: null, shape: circle(kashgar.hotel, 120) };
  const home = park({ at: kashgar.office, start: endOf(back), minutes: 20 });
  const fixes = ruleFixes([...atOffice, ...toHotel, ...atHotel, ...back, ...home]);
  const scenario = { places: [hotel], detectors: [hotelStopDetector] };

  const whole = runEngine({ ...scenario, fixes });
  for (const cut of [10, 45, 80, 140]) {
    const first = runEngine({ ...scenario, fixes: fixes.slice(0, cut) });
    const second = runEngine({ ...scenario, fixes: fixes.slice(cut), state: parseVehicleState(JSON.stringify(first.state)) });
    assert.deepEqual([...first.events, ...second.events], whole.events, `cut at ${cut}`);
    assert.deepEqual([...first.alerts, ...second.alerts], whole.alerts, `cut at ${cut}`);
    assert.deepEqual([...first.trips, ...second.trips].map((t) => t.trip.start), whole.trips.map((t) => t.trip.start));
  }
  assert.equal(whole.trips.length, 2);
  assert.equal(whole.alerts.length, 2, 'the hotel stop reported when it starts and when it ends');
});

test('trip extent counts its departing fixes', () => {
  const parking: Place = { id: 1, name: '本单位停车场', category: 'designated_parking', unitId: 1, shape: square(kashgar.office, 60) };
  const out = drive({ from: kashgar.office, to: kashgar.hotel, start: beijing('2026-03-02 19:00') });
  const stay = park({ at: kashgar.hotel, start: endOf(out), minutes: 40 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(stay) });
  const home = park({ at: kashgar.office, start: endOf(back), minutes: 30 });
  const run = runEngine({ places: [parking], fixes: ruleFixes([...out, ...stay, ...back, ...home]) });
  const returning = run.trips.find((t) => t.trip.fromStop !== null);
  assert.ok(returning, 'the drive back from the hotel is a trip');
  // The trip is dated back to its first departing fix, about 2 km from home: that fix must count.
  const first = back[0]!;
  const firstFromHome = distanceM(kashgar.office.latitude, kashgar.office.longitude, first.latitude, first.longitude);
  assert.ok(returning.trip.maxDistanceFromHomeM! >= Math.floor(firstFromHome), `max ${returning.trip.maxDistanceFromHomeM} m, first departing fix ${Math.round(firstFromHome)} m`);
});
