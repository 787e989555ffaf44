import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alarmFlags, decodeItemValue, gbk, setBits, statusFlags } from '../src/index.ts';

const item = (id: number, hex: string) => ({ id, raw: Buffer.from(hex, 'hex') });

describe('flags and additional items', () => {
  it('lists set bits in ascending order', () => {
    assert.deepEqual(setBits(0), []);
    assert.deepEqual(setBits(0x80040009), [0, 3, 18, 31]);
  });

  it('names alarm bits', () => {
    const flags = alarmFlags((1 << 0) | (1 << 7) | (1 << 28) | (1 << 30));
    assert.equal(flags.emergency, true);
    assert.equal(flags.mainPowerUndervoltage, true);
    assert.equal(flags.illegalDisplacement, true);
    assert.equal(flags.rolloverWarning, true);
    assert.equal(flags.overspeed, false);
    assert.equal(alarmFlags(0x80000000).illegalDoorOpen, true);
  });

  it('names status bits and the load state', () => {
    const flags = statusFlags(0x00000001 | 0x02 | 0x08 | (3 << 8) | (1 << 10) | (1 << 12) | (1 << 19));
    assert.equal(flags.acc, true);
    assert.equal(flags.fixed, true);
    assert.equal(flags.west, true);
    assert.equal(flags.south, false);
    assert.equal(flags.loadState, 'fullyLoaded');
    assert.equal(flags.oilCircuitCut, true);
    assert.equal(flags.doorLocked, true);
    assert.equal(flags.beidou, true);
    assert.equal(flags.gps, false);
    assert.equal(statusFlags(1 << 8).loadState, 'halfLoaded');
  });

  it('scales standard items at their standard length', () => {
    assert.deepEqual(decodeItemValue(item(0x01, '00054c7d')), { mileageKm: 34726.1 });
    assert.deepEqual(decodeItemValue(item(0x02, '007d')), { fuelL: 12.5 });
    assert.deepEqual(decodeItemValue(item(0x03, '01ef')), { recorderSpeedKmh: 49.5 });
    assert.deepEqual(decodeItemValue(item(0x04, '015d')), { alarmEventId: 349 });
    assert.deepEqual(decodeItemValue(item(0x11, '00')), { overspeed: { locationType: 0 } });
    assert.deepEqual(decodeItemValue(item(0x11, '0200000007')), { overspeed: { locationType: 2, areaId: 7 } });
    assert.deepEqual(decodeItemValue(item(0x12, '010000000901')), { areaInOut: { locationType: 1, areaId: 9, direction: 1 } });
    assert.deepEqual(decodeItemValue(item(0x13, '0000000c012c01')), { routeDrivingTime: { routeId: 12, drivingTimeS: 300, result: 1 } });
    assert.deepEqual(decodeItemValue(item(0x2a, '0002')), { ioStatus: { deepSleep: false, sleep: true } });
    assert.deepEqual(decodeItemValue(item(0x2b, '00f00010')), { analog: { ad0: 16, ad1: 240 } });
    assert.deepEqual(decodeItemValue(item(0x30, '1a')), { signalStrength: 26 });
    assert.deepEqual(decodeItemValue(item(0x31, '0c')), { satellites: 12 });
  });

  it('names the extended vehicle signal bits of item 0x25', () => {
    const signals = decodeItemValue(item(0x25, '00004011'))?.vehicleSignals;
    assert.ok(signals);
    assert.equal(signals.lowBeam, true);
    assert.equal(signals.brake, true);
    assert.equal(signals.clutch, true);
    assert.equal(signals.highBeam, false);
  });

  it('names item 0x25 bits per JT/T 808-2019', () => {
    const names = ['lowBeam', 'highBeam', 'rightTurnSignal', 'leftTurnSignal', 'brake', 'reverse', 'fogLight', 'positionLight',
      'horn', 'airConditioner', 'neutral', 'retarder', 'abs', 'heater', 'clutch'];
    names.forEach((name, bit) => {
      const signals = decodeItemValue(item(0x25, (1 << bit).toString(16).padStart(8, '0')))?.vehicleSignals;
      assert.ok(signals);
      assert.deepEqual(Object.keys(signals), names, 'every named bit, in bit order');
      assert.deepEqual(Object.entries(signals).filter(([, on]) => on).map(([key]) => key), [name], `bit ${bit}`);
    });
  });

  it('keeps other lengths and unknown items raw only', () => {
    assert.equal(decodeItemValue(item(0x01, '000000')), undefined);
    assert.equal(decodeItemValue(item(0x30, '1a1b')), undefined);
    assert.equal(decodeItemValue(item(0x64, '000020d0')), undefined);
    assert.equal(decodeItemValue(item(0xeb, '0001')), undefined);
  });

  it('decodes GBK text and encodes ASCII with the built-in codec', () => {
    assert.equal(gbk.decode(Buffer.from('d4c142383838383838', 'hex')), '粤B888888');
    assert.deepEqual(gbk.encode('BSJ-A6 '), Buffer.from('BSJ-A6 '));
  });
});
