import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type ScriptedTerminal, type TestVehicle } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let unitId: number;
before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区某委员会');
  await h.addDriver({ unitId, name: '阿不都', cardNumber: '653101198800001' });
});
after(() => h.close());

/** Sends a driver identity report (0x0702, card inserted) with the card number in the qualification code field. */
async function insertCard(terminal: ScriptedTerminal, time: number, cardNumber: string): Promise<void> {
  const result = await terminal.send({
    messageId: 0x0702,
    body: { state: 1, time: new Date(time), timeBcd: '', readResult: 0, driverName: '驾驶员', qualificationCode: cardNumber, issuingAuthority: '喀什地区交通运输局', certificateExpiry: '20301231' },
  });
  assert.equal(result, 0, 'the platform acknowledged the driver identity report');
}

/** Drives the car from the office to the market with the given card, under an approved order. */
async function orderedTrip(car: TestVehicle, date: string, cardNumber: string): Promise<void> {
  await h.addOrder({ vehicleId: car.vehicleId, unitId: car.unitId, start: beijing(`${date} 10:00`), end: beijing(`${date} 13:00`), destinations: [{ name: '市场', ...kashgar.market }] });
  const terminal = await h.connect(car);
  const before = park({ at: kashgar.office, start: beijing(`${date} 10:20`), minutes: 10 });
  await insertCard(terminal, endOf(before) - 60_000, cardNumber);
  const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(before), intervalS: 60 });
  const there = park({ at: kashgar.market, start: endOf(out), minutes: 20 });
  await terminal.reports([...before, ...out, ...there]);
  await h.waitForRules();
}

describe('lending over TCP', () => {
  test('unregistered driver card alerts', async () => {
    const car = await h.addVehicle({ unitId });
    await orderedTrip(car, '2026-03-10', '653101199900002');
    const alerts = await alertsOf(h, 'lending', car.vehicleId);
    const driver = alerts.filter((alert) => alert.facts.kind === 'unregistered_driver');
    assert.equal(driver.length, 1);
    assert.equal(driver[0]!.facts.unregisteredCards, '653101199900002');
    assert.notEqual(driver[0]!.trip_id, null, 'the stored trip is the evidence');
    assert.equal(alerts.filter((alert) => alert.facts.kind === 'no_order').length, 0, 'the trip had an order');
    await assertEvidenceStored(h, driver[0]!);
  });

  test('registered driver is quiet', async () => {
    const car = await h.addVehicle({ unitId });
    await orderedTrip(car, '2026-03-11', '653101198800001');
    assert.deepEqual(await alertsOf(h, 'lending', car.vehicleId), []);
  });

  test('trip without any order alerts', async () => {
    const car = await h.addVehicle({ unitId });
    const terminal = await h.connect(car);
    const before = park({ at: kashgar.office, start: beijing('2026-03-12 10:20'), minutes: 10 });
    const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(before), intervalS: 60 });
    const there = park({ at: kashgar.market, start: endOf(out), minutes: 20 });
    await terminal.reports([...before, ...out, ...there]);
    await h.waitForRules();
    const alerts = await alertsOf(h, 'lending', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.kind, 'no_order');
    assert.equal(alerts[0]!.order_absent, 1);
  });
});
