import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../helpers/rules-harness.ts';
import { openLive, type LiveClient } from '../alerts/harness.ts';

type LiveItem = {
  id: number;
  unitId: number;
  terminal: { id: number; online: boolean } | null;
  lastPosition: { time: string; latitude: number; longitude: number; speedKmh: number; course: number; acc: boolean } | null;
  alarmOpened?: boolean;
};

let h: RulesHarness;
let ownUnit: number;
let otherUnit: number;
const clients: LiveClient[] = [];

async function live(role: Parameters<RulesHarness['login']>[0], unitId: number | null = null): Promise<LiveClient> {
  const token = await h.login(role, unitId);
  const client = await openLive(`http://127.0.0.1:${h.platform.httpPort}`, { authorization: `Bearer ${token}` });
  clients.push(client);
  await client.waitFor((m) => m.type === 'hello');
  return client;
}

/** Returns every item about the vehicle in the client's vehicle.position messages so far. */
function itemsOf(client: LiveClient, vehicleId: number): LiveItem[] {
  return client.messages
    .filter((m) => m.type === 'vehicle.position')
    .flatMap((m) => m.vehicles as LiveItem[])
    .filter((item) => item.id === vehicleId);
}

function waitForItem(client: LiveClient, vehicleId: number, match: (item: LiveItem) => boolean, timeoutMs = 5000) {
  return client.waitFor((m) => m.type === 'vehicle.position' && (m.vehicles as LiveItem[]).some((item) => item.id === vehicleId && match(item)), timeoutMs);
}

before(async () => {
  h = await startRulesHarness();
  ownUnit = await h.addUnit('喀什地区实时位置测试单位甲');
  otherUnit = await h.addUnit('喀什地区实时位置测试单位乙');
});

after(async () => {
  for (const client of clients) await client.close();
  await h.close();
});

test('position reaches scoped users only', async () => {
  const car = await h.addVehicle({ unitId: ownUnit });
  const marker = await h.addVehicle({ unitId: otherUnit });
  const operator = await live('unit_operator', ownUnit);
  const outsider = await live('unit_operator', otherUnit);
  const bureau = await live('bureau_admin');
  const installer = await live('installer');

  const terminal = await h.connect(car);
  const time = Math.floor(Date.now() / 1000) * 1000;
  await terminal.report({ time, latitude: 39.4701, longitude: 75.9897, speedKmh: 42, course: 90, acc: true });

  const received = await waitForItem(operator, car.vehicleId, (item) => item.lastPosition?.time === new Date(time).toISOString());
  const item = (received.vehicles as LiveItem[]).find((v) => v.id === car.vehicleId)!;
  assert.equal(item.unitId, ownUnit);
  assert.equal(item.lastPosition!.latitude, 39.4701);
  assert.equal(item.lastPosition!.longitude, 75.9897);
  assert.equal(item.lastPosition!.speedKmh, 42);
  assert.equal(item.lastPosition!.course, 90);
  assert.equal(item.lastPosition!.acc, true);
  assert.equal(item.terminal!.id, car.terminalId);
  assert.equal(item.terminal!.online, true);
  await waitForItem(bureau, car.vehicleId, (v) => v.lastPosition?.time === new Date(time).toISOString());

  // A report of the other unit's vehicle, pushed after the first, shows the outsider's socket got its later messages.
  const markerTerminal = await h.connect(marker);
  await markerTerminal.report({ time, latitude: 39.47, longitude: 75.99 });
  await waitForItem(outsider, marker.vehicleId, (v) => v.lastPosition !== null);
  await waitForItem(bureau, marker.vehicleId, (v) => v.lastPosition !== null);
  assert.deepEqual(itemsOf(outsider, car.vehicleId), [], 'an operator of another unit gets no position of this unit');
  assert.deepEqual(itemsOf(operator, marker.vehicleId), [], 'the operator gets no position of another unit');
  assert.equal(installer.messages.filter((m) => m.type === 'vehicle.position').length, 0, 'a role without positions.read gets no positions');
  terminal.close();
  markerTerminal.close();
});

test('offline terminal is pushed', async () => {
  const car = await h.addVehicle({ unitId: ownUnit });
  const operator = await live('unit_operator', ownUnit);
  const terminal = await h.connect(car);
  await waitForItem(operator, car.vehicleId, (item) => item.terminal?.online === true);
  terminal.close();
  await waitForItem(operator, car.vehicleId, (item) => item.terminal?.online === false);
});

test('changes coalesce per second', async () => {
  const car = await h.addVehicle({ unitId: ownUnit });
  const operator = await live('unit_operator', ownUnit);
  const terminal = await h.connect(car);
  const start = Math.floor(Date.now() / 1000) * 1000 - 10_000;
  const fixes = Array.from({ length: 10 }, (_, i) => ({ time: start + i * 1000, latitude: 39.45 + i * 0.0001, longitude: 75.98, speedKmh: 40 }));
  const sentAt = Date.now();
  await terminal.reports(fixes);
  const sendMs = Date.now() - sentAt;
  const newest = new Date(fixes.at(-1)!.time).toISOString();
  await waitForItem(operator, car.vehicleId, (item) => item.lastPosition?.time === newest);
  const messages = itemsOf(operator, car.vehicleId).length;
  // At most one message per started second of sending, plus the one for the log-in and the last one.
  assert.ok(messages <= Math.ceil(sendMs / 1000) + 2, `${messages} messages for 10 reports sent in ${sendMs} ms`);
  terminal.close();
});

test('leadership vehicle is never pushed', async () => {
  const leader = await h.addVehicle({ unitId: ownUnit, usageNature: '领导保障用车' });
  const marker = await h.addVehicle({ unitId: ownUnit });
  const operator = await live('unit_operator', ownUnit);
  const bureau = await live('bureau_admin');

  const leaderTerminal = await h.connect(leader);
  await leaderTerminal.report({ time: Date.now(), latitude: 39.46, longitude: 75.97 });
  const markerTerminal = await h.connect(marker);
  await markerTerminal.report({ time: Date.now(), latitude: 39.47, longitude: 75.98 });
  await waitForItem(operator, marker.vehicleId, (item) => item.lastPosition !== null);
  await waitForItem(bureau, marker.vehicleId, (item) => item.lastPosition !== null);
  assert.deepEqual(itemsOf(operator, leader.vehicleId), [], 'a user who sees leadership vehicles delayed gets no live push');
  assert.deepEqual(itemsOf(bureau, leader.vehicleId), [], 'a live viewer needs a stated reason, which the socket does not carry');
  leaderTerminal.close();
  markerTerminal.close();
});

test('emergency alarm is flagged', async () => {
  const car: TestVehicle = await h.addVehicle({ unitId: ownUnit });
  const operator = await live('unit_operator', ownUnit);
  const terminal = await h.connect(car);
  await terminal.report({ time: Date.now(), latitude: 39.46, longitude: 75.97, alarm: 1 });
  await waitForItem(operator, car.vehicleId, (item) => item.alarmOpened === true);
  terminal.close();
});
