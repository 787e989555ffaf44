import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jumpAfterSilenceDetector } from '../../../src/rules/integrity/jump-after-silence.ts';
import { AppError } from '../../../src/errors.ts';
import { fix, keysOf, minute, offset, runDetector, series, t0, vehicle } from './stream-fixtures.ts';

const hour = 60 * minute;
/** Driving east at 36 km/h with a fix every 30 s, starting x0 metres east of Kashgar. */
const drive = (start: number, durationS: number, x0 = 0) => series(start, durationS, 30, (i) => ({ ...offset(x0 + i * 300), speedKmh: 36 }));
/** Parked with ACC off at x metres east, one report every intervalS seconds. */
const parked = (start: number, durationS: number, x = 0, intervalS = 300) => series(start, durationS, intervalS, () => ({ ...offset(x), acc: false }));

describe('jump after silence detector', () => {
  test('forty kilometres in ten minutes', () => {
    const before = drive(t0, 600);
    const after = drive(t0 + 20 * minute, 300, 40_000);
    const run = runDetector(jumpAfterSilenceDetector, [...before, ...after]);

    assert.equal(run.alerts.length, 1);
    const alert = run.alerts[0]!;
    assert.equal(alert.key, `device_jump_after_silence:${vehicle.id}:${before.at(-1)!.time}`);
    assert.equal(alert.facts.criterion, 'speed');
    assert.equal(alert.facts.silenceS, 630);
    assert.equal(alert.facts.elapsedS, 630);
    assert.ok(Math.abs((alert.facts.distanceM as number) - (40_000 - 5_700)) < 20, `distance ${alert.facts.distanceM} m`);
    assert.ok((alert.facts.impliedSpeedKmh as number) > 130);
    assert.equal(alert.facts.accBeforeSilence, true);
    assert.equal(alert.start, before.at(-1)!.time);
    assert.equal(alert.end, after[0]!.time);
    assert.deepEqual(alert.evidence.positionIds, [before.at(-1)!.positionId, after[0]!.positionId]);
    assert.equal(alert.severity, 'high');
  });

  test('parked car reappears across town', () => {
    const evening = parked(t0 + 10 * hour, 3_600);
    const morning = parked(t0 + 19 * hour, 3_600, 5_000);
    const run = runDetector(jumpAfterSilenceDetector, [...evening, ...morning]);
    assert.equal(run.alerts.length, 1);
    assert.equal(run.alerts[0]!.facts.criterion, 'acc_off_distance');
    assert.equal(run.alerts[0]!.facts.accBeforeSilence, false);
    assert.ok((run.alerts[0]!.facts.impliedSpeedKmh as number) <= 1);
  });

  test('sleeping terminal wakes in place', () => {
    // A terminal in sleep mode reports rarely, and ACC on wakes it where the car was parked.
    const evening = parked(t0 + 10 * hour, 600);
    const morning = drive(t0 + 23 * hour, 1_800, 150);
    const run = runDetector(jumpAfterSilenceDetector, [...evening, ...morning]);
    assert.equal(run.alerts.length, 0);
  });

  test('plausible drive through silence', () => {
    // Ten minutes without reports at 72 km/h: 12 km is reachable.
    const run = runDetector(jumpAfterSilenceDetector, [...drive(t0, 600), ...drive(t0 + 20 * minute, 600, 5_700 + 12_000)]);
    assert.equal(run.alerts.length, 0);
  });

  test('outlier after silence ignored', () => {
    const before = drive(t0, 600);
    const outlier = fix(t0 + 20 * minute, { ...offset(30_000), valid: false });
    const after = drive(t0 + 20 * minute + 30_000, 600, 5_800);
    const run = runDetector(jumpAfterSilenceDetector, [...before, outlier, ...after]);
    assert.equal(run.alerts.length, 0, 'ingest rejected the outlier, and the next valid fix is close');
  });

  test('jump accepted after rejected fixes', () => {
    // Ingest rejects the first fixes at the new place until three agree, so the jump is judged on the first accepted one.
    const before = drive(t0, 600);
    const rejected = [fix(t0 + 20 * minute, { ...offset(40_000), valid: false }), fix(t0 + 20 * minute + 30_000, { ...offset(40_300), valid: false })];
    const accepted = drive(t0 + 21 * minute, 300, 40_600);
    const run = runDetector(jumpAfterSilenceDetector, [...before, ...rejected, ...accepted]);
    assert.equal(run.alerts.length, 1);
    assert.equal(run.alerts[0]!.end, accepted[0]!.time);
    assert.equal(run.alerts[0]!.facts.silenceS, 630, 'the silence ended with the first rejected report');
  });

  test('blind-area batch fills the gap', () => {
    const before = drive(t0, 600);
    const uploaded = drive(t0 + 10 * minute, 1_800, 6_000).map((f) => ({ ...f, blindArea: true, late: true }));
    const after = drive(t0 + 40 * minute, 300, 24_000);
    const run = runDetector(jumpAfterSilenceDetector, [...before, ...uploaded, ...after]);
    assert.equal(run.alerts.length, 0);
  });

  test('reports without fix are no silence', () => {
    const before = drive(t0, 600);
    const noFix = series(t0 + 10 * minute, 600, 30, () => ({ ...offset(5_700), fixed: false, valid: false }));
    const after = drive(t0 + 20 * minute, 300, 40_000);
    assert.equal(runDetector(jumpAfterSilenceDetector, [...before, ...noFix, ...after]).alerts.length, 0);
  });

  test('silences before a fix add up', () => {
    const before = parked(t0, 600);
    const blindAfterFirstGap = fix(t0 + 2 * hour, { fixed: false, valid: false, acc: false });
    const after = parked(t0 + 4 * hour, 600, 8_000);
    const run = runDetector(jumpAfterSilenceDetector, [...before, blindAfterFirstGap, ...after]);
    assert.equal(run.alerts.length, 1);
    const silence = (2 * hour - 300_000) / 1000 + 2 * 3_600;
    assert.equal(run.alerts[0]!.facts.silenceS, silence);
  });

  test('first fix of history never alerts', () => {
    const run = runDetector(jumpAfterSilenceDetector, drive(t0, 600, 100_000));
    assert.equal(run.alerts.length, 0);
    assert.equal(keysOf(run.alerts).length, 0);
  });
});

describe('jump after silence settings', () => {
  test('defaults are documented values', () => {
    assert.deepEqual(jumpAfterSilenceDetector.defaults, { minSilenceS: 300, maxPlausibleSpeedKmh: 130, minJumpM: 1000, accOffJumpM: 2000 });
  });

  test('accOffJumpM override silences move', () => {
    const fixes = [...parked(t0 + 10 * hour, 3_600), ...parked(t0 + 19 * hour, 3_600, 5_000)];
    assert.equal(runDetector(jumpAfterSilenceDetector, fixes, { accOffJumpM: 10_000 }).alerts.length, 0);
  });

  test('negative distance rejected', () => {
    assert.throws(() => jumpAfterSilenceDetector.parseSettings({ minJumpM: -1 }), (error: unknown) => error instanceof AppError && error.value === -1);
  });
});
