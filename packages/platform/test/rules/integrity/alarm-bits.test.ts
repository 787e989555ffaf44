import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { alarmMask, antennaDetector, displacementDetector, gnssFaultDetector, powerCutDetector } from '../../../src/rules/integrity/alarm-bits.ts';
import { AppError } from '../../../src/errors.ts';
import { finalDrafts, fix, keysOf, minute, runDetector, series, t0, vehicle } from './stream-fixtures.ts';

const powerOff = 1 << 8;
const undervoltage = 1 << 7;
const antennaCut = 1 << 5;
const antennaShort = 1 << 6;
const gnssFault = 1 << 4;
const displacement = 1 << 28;

describe('alarm bit masks', () => {
  test('masks match the JT/T 808 bit numbers', () => {
    assert.equal(alarmMask('gnssModuleFault'), gnssFault);
    assert.equal(alarmMask('gnssAntennaDisconnected'), antennaCut);
    assert.equal(alarmMask('gnssAntennaShortCircuit'), antennaShort);
    assert.equal(alarmMask('mainPowerOff'), powerOff);
    assert.equal(alarmMask('illegalDisplacement'), displacement);
    assert.equal(alarmMask('illegalDoorOpen'), 2 ** 31, 'bit 31 stays a positive mask');
  });
});

describe('main power cut detector', () => {
  test('power cut episode is one alert', () => {
    const before = series(t0, 300, 30);
    const cut = series(t0 + 5 * minute, 300, 30, () => ({ alarm: powerOff, acc: false }));
    const after = series(t0 + 10 * minute, 300, 30);
    const run = runDetector(powerCutDetector, [...before, ...cut, ...after]);

    assert.equal(keysOf(run.alerts).length, 1);
    const first = run.alerts[0]!;
    assert.equal(first.rule, 'device_power_cut');
    assert.equal(first.key, `device_power_cut:${vehicle.id}:${cut[0]!.time}`);
    assert.equal(first.start, cut[0]!.time, 'alert opens at the rising edge');
    assert.equal(first.severity, 'high');
    assert.equal(first.unitId, vehicle.unitId);

    const final = finalDrafts(run.alerts)[0]!;
    assert.equal(final.facts.cleared, true);
    assert.equal(final.facts.fixCount, cut.length);
    assert.equal(final.facts.durationS, 300, 'from the first report with the bit to the first report without it');
    assert.equal(final.end, after[0]!.time);
    assert.equal(final.facts.alarmBits, 'mainPowerOff');
    assert.equal(final.facts.accAtStart, false);
    assert.deepEqual(final.evidence.positionRange, { vehicleId: vehicle.id, from: cut[0]!.time, to: after[0]!.time });
    assert.ok(final.evidence.positionIds.includes(cut[0]!.positionId), 'evidence names the first report with the bit');
    assert.ok(final.evidence.rawFrameIds.includes(cut[0]!.rawFrameId));
  });

  test('clear reports leave state unchanged', () => {
    const run = runDetector(powerCutDetector, series(t0, 3_600, 30, () => ({ alarm: undervoltage })));
    assert.equal(run.alerts.length, 0, 'undervoltage (bit 7) is not a power cut');
    assert.equal(run.unchanged, 120, 'every report returned the same state object');
  });

  test('short clear spell merges episodes', () => {
    const cut1 = series(t0, 300, 30, () => ({ alarm: powerOff }));
    const blip = series(t0 + 5 * minute, 120, 30);
    const cut2 = series(t0 + 7 * minute, 300, 30, () => ({ alarm: powerOff }));
    const run = runDetector(powerCutDetector, [...cut1, ...blip, ...cut2, fix(t0 + 13 * minute)]);

    assert.equal(keysOf(run.alerts).length, 1);
    const final = finalDrafts(run.alerts)[0]!;
    assert.equal(final.facts.fixCount, cut1.length + cut2.length);
    assert.equal(final.start, cut1[0]!.time);
    assert.equal(final.end, t0 + 13 * minute);
  });

  test('long clear spell starts new episode', () => {
    const cut1 = series(t0, 300, 30, () => ({ alarm: powerOff }));
    const clear = series(t0 + 5 * minute, 900, 30);
    const cut2 = series(t0 + 20 * minute, 300, 30, () => ({ alarm: powerOff }));
    const run = runDetector(powerCutDetector, [...cut1, ...clear, ...cut2]);
    assert.deepEqual(keysOf(run.alerts), [`device_power_cut:${vehicle.id}:${cut1[0]!.time}`, `device_power_cut:${vehicle.id}:${cut2[0]!.time}`]);
  });

  test('mergeGapS setting controls merging', () => {
    const cut1 = series(t0, 300, 30, () => ({ alarm: powerOff }));
    const blip = series(t0 + 5 * minute, 120, 30);
    const cut2 = series(t0 + 7 * minute, 300, 30, () => ({ alarm: powerOff }));
    const run = runDetector(powerCutDetector, [...cut1, ...blip, ...cut2], { mergeGapS: 60 });
    assert.equal(keysOf(run.alerts).length, 2);
  });

  test('long episode refreshes only every ten minutes', () => {
    const cut = series(t0, 3_600, 30, () => ({ alarm: powerOff }));
    const run = runDetector(powerCutDetector, cut);
    assert.equal(keysOf(run.alerts).length, 1);
    assert.equal(run.alerts.length, 6, 'the rising edge and one refresh per 10 minutes, not one per report');
    assert.equal(run.alerts.at(-1)!.facts.cleared, false);
    assert.equal(run.alerts.at(-1)!.facts.durationS, 3_000);
  });

  test('minFixes silences a single-report blip', () => {
    const blip = [fix(t0, { alarm: powerOff }), ...series(t0 + 30_000, 900, 30)];
    assert.equal(runDetector(powerCutDetector, blip, { minFixes: 3 }).alerts.length, 0);
    const lasting = series(t0, 120, 30, () => ({ alarm: powerOff }));
    const run = runDetector(powerCutDetector, lasting, { minFixes: 3 });
    assert.equal(run.alerts.length, 1, 'alert once the third report has the bit');
    assert.equal(run.alerts[0]!.start, lasting[0]!.time, 'the alert still starts at the rising edge');
  });

  test('invalid fixes with the bit count', () => {
    const run = runDetector(powerCutDetector, series(t0, 90, 30, () => ({ alarm: powerOff, fixed: false, valid: false })));
    assert.equal(run.alerts.length, 1);
    assert.equal(run.alerts[0]!.facts.validFixCount, 0);
    assert.equal(run.alerts[0]!.facts.fixedAtStart, false);
  });
});

describe('antenna detector', () => {
  test('cut then short is one alert', () => {
    const cut = series(t0, 300, 30, () => ({ alarm: antennaCut, fixed: false, valid: false }));
    const short = series(t0 + 5 * minute, 300, 30, () => ({ alarm: antennaShort, fixed: false, valid: false }));
    const run = runDetector(antennaDetector, [...cut, ...short, fix(t0 + 10 * minute)]);
    assert.equal(keysOf(run.alerts).length, 1);
    const final = finalDrafts(run.alerts)[0]!;
    assert.equal(final.facts.alarmBits, 'gnssAntennaDisconnected,gnssAntennaShortCircuit');
    assert.equal(final.facts.fixCount, 20);
  });

  test('short circuit alone raises alert', () => {
    const run = runDetector(antennaDetector, [fix(t0, { alarm: antennaShort })]);
    assert.equal(run.alerts.length, 1);
    assert.equal(run.alerts[0]!.facts.alarmBits, 'gnssAntennaShortCircuit');
  });
});

describe('single-bit detectors', () => {
  const cases = [
    { detector: gnssFaultDetector, bit: gnssFault, code: 'device_gnss_fault', severity: 'medium' },
    { detector: displacementDetector, bit: displacement, code: 'device_displacement', severity: 'high' },
    { detector: powerCutDetector, bit: powerOff, code: 'device_power_cut', severity: 'high' },
  ] as const;

  for (const { detector, bit, code, severity } of cases) {
    test(`${code} fires on its bit only`, () => {
      const others = series(t0, 600, 30, () => ({ alarm: (gnssFault | displacement | powerOff | antennaCut) & ~bit }));
      assert.equal(runDetector(detector, others).alerts.length, 0, 'other bits are ignored');
      const run = runDetector(detector, series(t0, 60, 30, () => ({ alarm: bit })));
      assert.equal(run.alerts.length, 1);
      assert.equal(run.alerts[0]!.rule, code);
      assert.equal(run.alerts[0]!.severity, severity);
    });
  }

  test('displacement bit 31 neighbour is ignored', () => {
    const run = runDetector(displacementDetector, series(t0, 60, 30, () => ({ alarm: 2 ** 31 })));
    assert.equal(run.alerts.length, 0);
  });
});

describe('alarm bit settings', () => {
  test('defaults are documented values', () => {
    assert.deepEqual(powerCutDetector.defaults, { minFixes: 1, mergeGapS: 300 });
    assert.deepEqual(powerCutDetector.parseSettings({ mergeGapS: 60 }), { minFixes: 1, mergeGapS: 60 });
    assert.deepEqual(powerCutDetector.parseSettings(undefined), powerCutDetector.defaults);
  });

  test('out-of-range setting is rejected', () => {
    assert.throws(
      () => powerCutDetector.parseSettings({ minFixes: 0 }),
      (error: unknown) => error instanceof AppError && error.code === 'GONGCHE_ERR_VALIDATION' && error.value === 0 && /minFixes/.test(error.message) && /device_power_cut/.test(error.message),
    );
    assert.throws(() => powerCutDetector.parseSettings({ mergeGapS: 'five' }), (error: unknown) => error instanceof AppError && error.value === 'five');
  });

  test('misspelt setting is rejected', () => {
    assert.throws(() => antennaDetector.parseSettings({ mergeGap: 60 }), (error: unknown) => error instanceof AppError && /mergeGap\b/.test(error.message));
  });
});
