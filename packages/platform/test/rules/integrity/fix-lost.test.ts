import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixLostDetector } from '../../../src/rules/integrity/fix-lost.ts';
import { AppError } from '../../../src/errors.ts';
import { finalDrafts, fix, keysOf, minute, offset, runDetector, series, t0, vehicle } from './stream-fixtures.ts';

const hour = 60 * minute;

/** Driving east at 36 km/h (10 m/s) with a fix every 30 s, starting x0 metres east of Kashgar. */
const drive = (start: number, durationS: number, x0 = 0) => series(start, durationS, 30, (i) => ({ ...offset(x0 + i * 300), speedKmh: 36 }));
/** Reports with ACC on and no fix, repeating the last known coordinates as terminals do. */
const blind = (start: number, durationS: number, x = 0) => series(start, durationS, 30, () => ({ ...offset(x), fixed: false, valid: false, speedKmh: 0 }));

describe('fix lost detector', () => {
  test('twenty minutes blind with ACC on', () => {
    const before = drive(t0, 600);
    const lost = blind(t0 + 10 * minute, 1_200, 6_000);
    const after = drive(t0 + 30 * minute, 300, 11_000);
    const run = runDetector(fixLostDetector, [...before, ...lost, ...after]);

    assert.deepEqual(keysOf(run.alerts), [`device_fix_lost:${vehicle.id}:${lost[0]!.time}`]);
    const first = run.alerts[0]!;
    assert.equal(first.facts.lossS, 900, 'alert as soon as the loss reaches 15 minutes');
    assert.equal(first.facts.ended, false);
    assert.equal(first.severity, 'medium');

    const final = finalDrafts(run.alerts)[0]!;
    assert.equal(final.facts.ended, true);
    assert.equal(final.facts.endReason, 'fix_recovered');
    assert.equal(final.facts.lossS, 39 * 30);
    assert.equal(final.facts.lostFixCount, 40);
    assert.equal(final.facts.notFixedCount, 40);
    assert.equal(final.facts.lastFixBeforeAt, new Date(before.at(-1)!.time).toISOString());
    assert.equal(final.facts.recoveredAt, new Date(after[0]!.time).toISOString());
    assert.ok(Math.abs((final.facts.gapDistanceM as number) - (11_000 - 5_700)) < 10, `moved unseen ${final.facts.gapDistanceM} m`);
    assert.equal(final.start, lost[0]!.time);
    assert.equal(final.end, after[0]!.time);
    assert.ok(final.evidence.positionIds.includes(after[0]!.positionId), 'evidence includes the recovering fix');
  });

  test('short tunnel stays silent', () => {
    const run = runDetector(fixLostDetector, [...drive(t0, 600), ...blind(t0 + 10 * minute, 180, 6_000), ...drive(t0 + 13 * minute, 600, 8_000)]);
    assert.equal(run.alerts.length, 0);
  });

  test('garage wait below threshold silent', () => {
    const garage = blind(t0 + 10 * minute, 14 * 60, 6_000);
    const run = runDetector(fixLostDetector, [...drive(t0, 600), ...garage, ...drive(t0 + 24 * minute, 600, 6_000)]);
    assert.equal(run.alerts.length, 0, '14 minutes idling underground is below the 15-minute default');
  });

  test('blind with ACC off silent', () => {
    const parked = series(t0 + 10 * minute, 10 * 3_600, 300, () => ({ ...offset(6_000), acc: false, fixed: false, valid: false }));
    const run = runDetector(fixLostDetector, [...drive(t0, 600), ...parked]);
    assert.equal(run.alerts.length, 0);
    assert.equal(run.state.loss, null);
  });

  test('silent night not counted as loss', () => {
    // One blind report at 18:00 and the next at 08:00: the 14 hours between are silence, not loss.
    const evening = blind(t0 + 9 * hour, 60, 6_000);
    const morning = blind(t0 + 23 * hour, 60, 6_000);
    const run = runDetector(fixLostDetector, [...evening, ...morning]);
    assert.equal(run.alerts.length, 0);
  });

  test('rejected fixes count as loss', () => {
    const rejected = series(t0, 1_200, 30, () => ({ fixed: true, valid: false }));
    const run = runDetector(fixLostDetector, rejected);
    assert.equal(run.alerts.length, 1);
    assert.equal(run.alerts[0]!.facts.rejectedFixCount, 31);
    assert.equal(run.alerts[0]!.facts.notFixedCount, 0);
  });

  test('hour-long loss is one alert', () => {
    const lost = blind(t0, 3_600);
    const run = runDetector(fixLostDetector, [...lost, fix(t0 + hour)]);
    assert.equal(keysOf(run.alerts).length, 1);
    assert.ok(run.alerts.length <= 7, `${run.alerts.length} drafts: the first, one refresh per 10 minutes and the end`);
    assert.equal(finalDrafts(run.alerts)[0]!.facts.lossS, 3_570, 'from the first blind report to the last');
  });

  test('ACC off ends the loss', () => {
    const lost = blind(t0, 1_200);
    const off = fix(t0 + 20 * minute, { acc: false, fixed: false, valid: false });
    const run = runDetector(fixLostDetector, [...lost, off, ...blind(t0 + 21 * minute, 600)]);
    const final = finalDrafts(run.alerts);
    assert.equal(final.length, 1, 'ten more blind minutes after ACC on again are a new, short loss');
    assert.equal(final[0]!.facts.endReason, 'acc_off');
  });

  test('two losses give two alerts', () => {
    const run = runDetector(fixLostDetector, [...blind(t0, 1_200), ...drive(t0 + 20 * minute, 300), ...blind(t0 + 25 * minute, 1_200)]);
    assert.equal(keysOf(run.alerts).length, 2);
  });

  test('valid fixes keep detector quiet', () => {
    const run = runDetector(fixLostDetector, drive(t0, 3_600));
    assert.equal(run.alerts.length, 0);
    assert.equal(run.state.loss, null);
  });
});

describe('fix lost settings', () => {
  test('defaults and overrides', () => {
    assert.deepEqual(fixLostDetector.defaults, { minLossS: 900, minLostFixes: 3, maxReportGapS: 300 });
    const tunnel = [...drive(t0, 600), ...blind(t0 + 10 * minute, 180, 6_000), ...drive(t0 + 13 * minute, 600, 8_000)];
    assert.equal(runDetector(fixLostDetector, tunnel, { minLossS: 120 }).alerts.length, 2, 'with a 2-minute threshold the tunnel counts: first draft and end');
  });

  test('minLostFixes requires several reports', () => {
    const sparse = [fix(t0, { fixed: false, valid: false }), fix(t0 + 5 * minute, { fixed: false, valid: false }), fix(t0 + 10 * minute, { fixed: false, valid: false })];
    assert.equal(runDetector(fixLostDetector, sparse, { minLossS: 60 }).alerts.length, 1);
    assert.equal(runDetector(fixLostDetector, sparse, { minLossS: 60, minLostFixes: 4 }).alerts.length, 0);
  });

  test('threshold below one minute rejected', () => {
    assert.throws(() => fixLostDetector.parseSettings({ minLossS: 10 }), (error: unknown) => error instanceof AppError && error.value === 10 && /minLossS/.test(error.message));
  });
});
