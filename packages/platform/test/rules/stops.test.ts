import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStopSettings, currentStop, defaultStopSettings, newStopState, updateStopState, type StopEvent, type StopFix, type StopState } from '../../src/rules/stops.ts';
import { distanceM } from '../../src/ingest/geo.ts';
import { AppError } from '../../src/errors.ts';

const t0 = Date.parse('2026-03-09T01:00:00Z');
const minute = 60_000;
const office = { latitude: 39.4704, longitude: 75.9898 };
const metresPerDegreeLat = 111_195;

/** Returns the position dx metres east and dy metres north of the office. */
function offset(dx: number, dy: number) {
  return {
    latitude: office.latitude + dy / metresPerDegreeLat,
    longitude: office.longitude + dx / (metresPerDegreeLat * Math.cos((office.latitude * Math.PI) / 180)),
  };
}

let seed = 7;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}

/** Fixes every intervalS seconds driving east at speedKmh, from x0 metres east of the office. */
function drive(start: number, x0: number, durationS: number, speedKmh = 40, intervalS = 30, acc: boolean | null = null): StopFix[] {
  const fixes: StopFix[] = [];
  for (let s = 0; s < durationS; s += intervalS) fixes.push({ time: start + s * 1000, ...offset(x0 + (speedKmh / 3.6) * s, 0), speedKmh, acc });
  return fixes;
}

/** Parked fixes around the point x metres east of the office, each drifting up to driftM in a random direction. */
function park(start: number, x: number, durationS: number, driftM: number, intervalS = 30, acc: boolean | null = null): StopFix[] {
  const fixes: StopFix[] = [];
  for (let s = 0; s < durationS; s += intervalS) {
    const angle = random() * 2 * Math.PI;
    const r = random() * driftM;
    fixes.push({ time: start + s * 1000, ...offset(x + r * Math.cos(angle), r * Math.sin(angle)), speedKmh: Math.round(random() * 3), acc });
  }
  return fixes;
}

function run(fixes: StopFix[], state: StopState = newStopState()): StopEvent[] {
  return fixes.flatMap((fix) => updateStopState(state, fix));
}

const types = (events: StopEvent[]) => events.map((e) => e.type);

describe('stop segmentation', () => {
  test('parked hour with 30 m drift is one stop', () => {
    const parked = park(t0 + 10 * minute, 2_000, 3_600, 30);
    const leaving = drive(t0 + 70 * minute, 2_000, 600);
    const events = run([...drive(t0, 0, 600), ...parked, ...leaving]);

    assert.deepEqual(types(events), ['trip_started', 'stop_started', 'stop_ended', 'trip_started']);
    const started = events[1] as Extract<StopEvent, { type: 'stop_started' }>;
    const ended = events[2] as Extract<StopEvent, { type: 'stop_ended' }>;
    assert.equal(started.stop.start, parked[0]!.time, 'stop start is backdated to its first fix');
    assert.equal(ended.stop.start, parked[0]!.time);
    assert.equal(ended.stop.end, leaving[0]!.time, 'the first moving fix is still at the spot, so the stay lasts until then');
    assert.equal(ended.stop.fixCount, parked.length);
    assert.equal((events[3] as Extract<StopEvent, { type: 'trip_started' }>).time, leaving[0]!.time);
    const centre = offset(2_000, 0);
    assert.ok(distanceM(ended.stop.latitude, ended.stop.longitude, centre.latitude, centre.longitude) < 15, 'median lies near the parking point');
  });

  test('stop_started comes at the fix that completes the minimum dwell', () => {
    const state = newStopState();
    run(drive(t0, 0, 300), state);
    const parked = park(t0 + 5 * minute, 1_000, 600, 10, 60);
    const emittedAt = parked.findIndex((fix) => updateStopState(state, fix).some((e) => e.type === 'stop_started'));
    assert.equal(emittedAt, defaultStopSettings.minDwellS / 60, 'the fix five minutes after the first stationary one');
    assert.equal(currentStop(state)?.start, parked[0]!.time);
  });

  test('two-minute traffic light is no stop', () => {
    const fixes = [...drive(t0, 0, 600), ...park(t0 + 10 * minute, 4_000, 120, 3), ...drive(t0 + 12 * minute, 4_000, 600)];
    const state = newStopState();
    assert.deepEqual(types(run(fixes, state)), ['trip_started']);
    assert.equal(currentStop(state), null);
  });

  test('drive-by at speed is never a stop', () => {
    assert.deepEqual(types(run(drive(t0, 0, 7_200, 25, 10))), ['trip_started']);
  });

  test('ACC off parking with sparse reports is one stop', () => {
    // Terminals report every 5 minutes with the ignition off; fixes wander 50 m.
    const parked = park(t0 + 10 * minute, 3_000, 7_200, 50, 300, false);
    const fixes = [...drive(t0, 0, 600, 40, 30, true), ...parked, ...drive(t0 + 130 * minute, 3_200, 600, 40, 30, true)];
    const events = run(fixes);
    assert.deepEqual(types(events), ['trip_started', 'stop_started', 'stop_ended', 'trip_started']);
    const ended = (events[2] as Extract<StopEvent, { type: 'stop_ended' }>).stop;
    assert.equal(ended.start, parked[0]!.time);
    assert.equal(ended.end, parked.at(-1)!.time, 'the first moving fix is 200 m on, outside the stop');
  });

  test('ACC off then a fast departure fix at the spot counts the whole stay', () => {
    // One ACC-off report, 20 minutes of silence, then the first report is already moving off.
    const fixes = [...drive(t0, 0, 600, 40, 30, true), { time: t0 + 10 * minute, ...offset(2_000, 0), speedKmh: 0, acc: false }, ...drive(t0 + 30 * minute, 2_010, 600, 30, 30, true)];
    const events = run(fixes);
    assert.deepEqual(types(events), ['trip_started', 'stop_started', 'stop_ended', 'trip_started']);
    const ended = events[2] as Extract<StopEvent, { type: 'stop_ended' }>;
    assert.equal(ended.stop.start, t0 + 10 * minute);
    assert.equal(ended.stop.end, t0 + 30 * minute);
  });

  test('ACC reported off while driving is no stop', () => {
    // A terminal whose ACC wire is not connected reports ACC off all the time.
    assert.deepEqual(types(run(drive(t0, 0, 3_600, 50, 30, false))), ['trip_started']);
  });

  test('single 500 m outlier does not split a stop', () => {
    const parked = park(t0 + 10 * minute, 2_000, 3_600, 20);
    parked[60] = { ...parked[60]!, ...offset(2_000, 500), speedKmh: 0 };
    const events = run([...drive(t0, 0, 600), ...parked, ...drive(t0 + 70 * minute, 2_200, 600)]);
    assert.deepEqual(types(events), ['trip_started', 'stop_started', 'stop_ended', 'trip_started']);
    const ended = events[2] as Extract<StopEvent, { type: 'stop_ended' }>;
    assert.equal(ended.stop.start, parked[0]!.time);
    assert.equal(ended.stop.end, parked.at(-1)!.time);
    assert.equal(ended.stop.fixCount, parked.length - 1, 'the outlier is not part of the stop');
    const centre = offset(2_000, 0);
    assert.ok(distanceM(ended.stop.latitude, ended.stop.longitude, centre.latitude, centre.longitude) < 15);
  });

  test('three-minute GNSS loss while driving is no stop', () => {
    // Driving at 60 km/h, no fixes in a 3 km tunnel, then driving on.
    const before = drive(t0, 0, 600, 60);
    const after = drive(t0 + 13 * minute, 13_000, 600, 60);
    assert.deepEqual(types(run([...before, ...after])), ['trip_started']);
  });

  test('short hop to the next car park starts a new stop', () => {
    const first = park(t0, 0, 1_800, 10);
    const second = park(t0 + 31 * minute, 400, 1_800, 10);
    const hop = { time: t0 + 30.5 * minute, ...offset(200, 0), speedKmh: 20, acc: null };
    const events = run([...first, hop, ...second]);
    assert.deepEqual(types(events), ['stop_started', 'stop_ended', 'trip_started', 'stop_started']);
  });

  test('fix not newer than the last one is ignored and counted', () => {
    const state = newStopState();
    const fixes = drive(t0, 0, 300);
    run(fixes, state);
    assert.deepEqual(updateStopState(state, { ...fixes[3]!, speedKmh: 0 }), []);
    assert.equal(state.outOfOrder, 1);
  });

  test('rejects invalid settings', () => {
    assert.doesNotThrow(() => checkStopSettings(defaultStopSettings));
    assert.throws(() => checkStopSettings({ ...defaultStopSettings, dwellRadiusM: 0 }), AppError);
    assert.throws(() => checkStopSettings({ ...defaultStopSettings, minDwellS: Number.NaN }), AppError);
    assert.throws(() => checkStopSettings({ ...defaultStopSettings, departureFixes: 1.5 }), AppError);
  });
});
