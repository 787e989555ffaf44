import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../helpers/rules-harness.ts';

type CurrentDriverBody = {
  vehicleId: number;
  positionAccess: string;
  positionsBefore: string | null;
  driver: { since: string; cardNumber: string | null; cardName: string | null; readResult: number | null; driver: { id: number; name: string; icCardNumber: string | null } | null } | null;
};

let h: RulesHarness;
let unitId: number;

const card = '653101198800007788';
// Whole seconds, because terminals send BCD times.
const secondsAgo = (seconds: number) => new Date(Math.floor(Date.now() / 1000) * 1000 - seconds * 1000);

function signIn(time: Date, cardNumber = card, driverName = '买买提') {
  return { messageId: 0x0702, body: { layout: '2013', state: 1, time, timeBcd: '', readResult: 0, driverName, qualificationCode: cardNumber, issuingAuthority: '喀什地区交通运输局', certificateExpiry: '20300101' } } as const;
}

function signOut(time: Date) {
  return { messageId: 0x0702, body: { layout: '2013', state: 2, time, timeBcd: '' } } as const;
}

async function currentDriver(vehicle: TestVehicle, token: string): Promise<{ status: number; json: CurrentDriverBody }> {
  return h.request('GET', `/api/vehicles/${vehicle.vehicleId}/driver`, token);
}

before(async () => {
  h = await startRulesHarness();
  unitId = await h.addUnit('喀什地区当前驾驶员测试单位');
});

after(() => h.close());

test('signed-in driver is shown', async () => {
  const car = await h.addVehicle({ unitId });
  const driverId = await h.addDriver({ unitId, name: '买买提·艾力', cardNumber: card });
  const operator = await h.login('unit_operator', unitId);
  const terminal = await h.connect(car);

  assert.equal((await currentDriver(car, operator)).json.driver, null, 'no report yet');

  const since = secondsAgo(60);
  assert.equal(await terminal.send(signIn(since)), 0);
  const response = await currentDriver(car, operator);
  assert.equal(response.status, 200);
  assert.equal(response.json.vehicleId, car.vehicleId);
  assert.equal(response.json.positionAccess, 'live');
  const signedIn = response.json.driver!;
  assert.equal(signedIn.since, since.toISOString());
  assert.equal(signedIn.cardNumber, card);
  assert.equal(signedIn.cardName, '买买提');
  assert.equal(signedIn.readResult, 0);
  assert.deepEqual(signedIn.driver, { id: driverId, name: '买买提·艾力', icCardNumber: card });

  assert.equal(await terminal.send(signOut(secondsAgo(30))), 0);
  assert.equal((await currentDriver(car, operator)).json.driver, null, 'the card was removed');
  terminal.close();
});

test('unregistered card shows card only', async () => {
  const car = await h.addVehicle({ unitId });
  const bureau = await h.login('bureau_admin');
  const terminal = await h.connect(car);
  assert.equal(await terminal.send(signIn(secondsAgo(10), '653101199000001111', '陌生人')), 0);
  const signedIn = (await currentDriver(car, bureau)).json.driver!;
  assert.equal(signedIn.cardNumber, '653101199000001111');
  assert.equal(signedIn.cardName, '陌生人');
  assert.equal(signedIn.driver, null);
  terminal.close();
});

test('older sign-in sent late stays older', async () => {
  const car = await h.addVehicle({ unitId });
  const operator = await h.login('unit_operator', unitId);
  const terminal = await h.connect(car);
  assert.equal(await terminal.send(signOut(secondsAgo(20))), 0);
  // A blind-area resend of an earlier insertion does not sign the driver in again.
  assert.equal(await terminal.send(signIn(secondsAgo(600))), 0);
  assert.equal((await currentDriver(car, operator)).json.driver, null);
  terminal.close();
});

test('leadership vehicle driver follows delay', async () => {
  const leader = await h.addVehicle({ unitId, usageNature: '领导保障用车' });
  const terminal = await h.connect(leader);
  assert.equal(await terminal.send(signIn(secondsAgo(40 * 60), card, '早班')), 0);
  assert.equal(await terminal.send(signIn(secondsAgo(5 * 60), card, '晚班')), 0);
  terminal.close();

  const inspector = await h.login('inspector');
  const delayed = (await currentDriver(leader, inspector)).json;
  assert.equal(delayed.positionAccess, 'delayed');
  assert.ok(delayed.positionsBefore !== null);
  assert.equal(delayed.driver?.cardName, '早班', 'only the sign-in before the 30-minute delay is signedIn');

  const bureau = await h.login('bureau_admin');
  const live = (await h.request('GET', `/api/vehicles/${leader.vehicleId}/driver?reason=${encodeURIComponent('执法检查')}`, bureau)).json as CurrentDriverBody;
  assert.equal(live.positionAccess, 'live');
  assert.equal(live.driver?.cardName, '晚班');
  const audit = await h.db.selectFrom('audit_log').select('detail').where('action', '=', 'leadership.positions_viewed').where('object_id', '=', String(leader.vehicleId)).execute();
  assert.equal(audit.length, 1, 'the live view with its reason is recorded');
  assert.equal(JSON.parse(audit[0]!.detail).view, 'current_driver');
});

test('driver route checks role and scope', async () => {
  const car = await h.addVehicle({ unitId });
  const otherUnit = await h.addUnit('喀什地区当前驾驶员测试单位乙');
  const outsider = await h.login('unit_operator', otherUnit);
  const installer = await h.login('installer');
  assert.equal((await currentDriver(car, outsider)).status, 404);
  assert.equal((await currentDriver(car, installer)).status, 403);
});
