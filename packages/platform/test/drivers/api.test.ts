import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { loadDutyRoster, loadUnitDriverCards } from '../../src/drivers/repository.ts';

let h: Harness;
let own: { unitId: number; vehicleId: number };
let other: { unitId: number; vehicleId: number };
const tokens: Record<string, string> = {};

const call = (role: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(tokens[role]!), ...(payload && { payload }) });

before(async () => {
  h = await startHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区应急管理局', '新Q90001', '013990000001');
  other = await insertFleetVehicle(h.store.db, '喀什地区广播电视台', '新Q90002', '013990000002');
  tokens.admin = await h.loginAs('bureau_admin');
  tokens.inspector = await h.loginAs('inspector');
  tokens.operator = await h.loginAs('unit_operator', { unitId: own.unitId });
  tokens.installer = await h.loginAs('installer');
});
after(async () => h.close());

describe('drivers API', () => {
  test('operator registers a driver of own unit', async () => {
    const response = await call('operator', 'POST', '/api/drivers', { unitId: own.unitId, name: '吐尔逊', icCardNumber: 'QC900001', phone: '13899990000', licenceClass: 'A2' });
    assert.equal(response.statusCode, 201, response.body);
    assert.deepEqual([response.json().active, response.json().licenceClass], [true, 'A2']);
    const cards = await loadUnitDriverCards(h.store.db);
    assert.deepEqual([...cards.get(own.unitId)!], ['QC900001']);
  });

  test('refuses another unit and a taken card', async () => {
    const foreign = await call('operator', 'POST', '/api/drivers', { unitId: other.unitId, name: '外单位司机' });
    assert.equal(foreign.statusCode, 404);
    const taken = await call('admin', 'POST', '/api/drivers', { unitId: other.unitId, name: '重复卡', icCardNumber: 'QC900001' });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.json().error.message, /QC900001 is already registered/);
  });

  test('scopes lists and ids', async () => {
    const foreign = (await call('admin', 'POST', '/api/drivers', { unitId: other.unitId, name: '阿依古丽', icCardNumber: 'QC900002' })).json();
    const mine = (await call('operator', 'GET', '/api/drivers')).json().items;
    assert.deepEqual(mine.map((d: { name: string }) => d.name), ['吐尔逊']);
    assert.equal((await call('operator', 'GET', `/api/drivers/${foreign.id}`)).statusCode, 404);
    assert.equal((await call('operator', 'PATCH', `/api/drivers/${foreign.id}`, { active: false })).statusCode, 404);
    assert.equal((await call('inspector', 'GET', `/api/drivers/${foreign.id}`)).statusCode, 200);
    assert.equal((await call('inspector', 'POST', '/api/drivers', { unitId: own.unitId, name: 'x' })).statusCode, 403);
    assert.equal((await call('installer', 'GET', '/api/drivers')).statusCode, 403);
    const search = (await call('admin', 'GET', '/api/drivers?search=QC900002')).json().items;
    assert.deepEqual(search.map((d: { name: string }) => d.name), ['阿依古丽']);
  });

  test('deactivates instead of deleting drivers with orders', async () => {
    const driver = (await call('operator', 'POST', '/api/drivers', { unitId: own.unitId, name: '周明', icCardNumber: 'QC900003' })).json();
    const place = (await call('admin', 'POST', '/api/places', { name: '应急局仓库', category: 'custom', shape: { kind: 'circle', latitude: 39.45, longitude: 75.98, radiusM: 100 } })).json();
    const order = await call('operator', 'POST', '/api/orders', { vehicleId: own.vehicleId, driverId: driver.id, applicant: '周明', purpose: '物资调运', start: '2025-05-06T09:00:00+08:00', end: '2025-05-06T12:00:00+08:00', destinations: [{ placeId: place.id }] });
    assert.equal(order.statusCode, 201, order.body);
    const refused = await call('operator', 'DELETE', `/api/drivers/${driver.id}`);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.json().error.message, /deactivate the driver with active=false/);
    const retired = await call('operator', 'PATCH', `/api/drivers/${driver.id}`, { active: false });
    assert.equal(retired.json().active, false);
    const cards = await loadUnitDriverCards(h.store.db);
    assert.ok(!cards.get(own.unitId)!.has('QC900003'), 'inactive cards are not the unit\'s');

    const spare = (await call('operator', 'POST', '/api/drivers', { unitId: own.unitId, name: '临时' })).json();
    assert.equal((await call('operator', 'DELETE', `/api/drivers/${spare.id}`)).statusCode, 200);
    const audit = await h.store.db.selectFrom('audit_log').select('action').where('object_type', '=', 'driver').where('object_id', '=', String(spare.id)).execute();
    assert.deepEqual(audit.map((a) => a.action), ['driver.created', 'driver.deleted']);
  });
});

describe('duty roster API', () => {
  test('unit requests, bureau approves', async () => {
    const requested = await call('operator', 'POST', '/api/duty-rosters', { vehicleId: own.vehicleId, from: '2026-02-15', to: '2026-02-17', reason: '春节应急值班' });
    assert.equal(requested.statusCode, 201, requested.body);
    const items = requested.json().items as { id: number; date: string; status: string }[];
    assert.deepEqual(items.map((i) => [i.date, i.status]), [['2026-02-15', 'pending'], ['2026-02-16', 'pending'], ['2026-02-17', 'pending']]);
    assert.deepEqual(await loadDutyRoster(h.store.db, { from: '2026-02-01', to: '2026-02-28' }), [], 'pending entries are not on the roster');

    assert.equal((await call('operator', 'POST', `/api/duty-rosters/${items[0]!.id}/approve`)).statusCode, 403);
    assert.equal((await call('admin', 'POST', `/api/duty-rosters/${items[0]!.id}/approve`)).json().status, 'approved');
    assert.equal((await call('admin', 'POST', `/api/duty-rosters/${items[1]!.id}/reject`)).json().status, 'rejected');
    assert.equal((await call('admin', 'POST', `/api/duty-rosters/${items[1]!.id}/approve`)).statusCode, 409);
    assert.deepEqual(await loadDutyRoster(h.store.db, { from: '2026-02-01', to: '2026-02-28' }), [{ vehicleId: own.vehicleId, date: '2026-02-15' }]);

    assert.equal((await call('operator', 'DELETE', `/api/duty-rosters/${items[0]!.id}`)).statusCode, 403, 'an approved entry stays');
    assert.equal((await call('operator', 'DELETE', `/api/duty-rosters/${items[2]!.id}`)).statusCode, 200);
  });

  test('rejects taken dates and bad ranges', async () => {
    const taken = await call('operator', 'POST', '/api/duty-rosters', { vehicleId: own.vehicleId, from: '2026-02-14', to: '2026-02-15', reason: '值班' });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.json().error.message, /2026-02-15 \(approved\)/);
    const reversed = await call('operator', 'POST', '/api/duty-rosters', { vehicleId: own.vehicleId, from: '2026-03-02', to: '2026-03-01', reason: '值班' });
    assert.equal(reversed.statusCode, 400);
    const impossible = await call('operator', 'POST', '/api/duty-rosters', { vehicleId: own.vehicleId, from: '2026-02-30', reason: '值班' });
    assert.equal(impossible.statusCode, 400);
    assert.equal(errorCode(impossible), 'GONGCHE_ERR_VALIDATION');
    const foreign = await call('operator', 'POST', '/api/duty-rosters', { vehicleId: other.vehicleId, from: '2026-03-01', reason: '值班' });
    assert.equal(foreign.statusCode, 404);
  });

  test('lists only the unit\'s entries', async () => {
    await call('admin', 'POST', '/api/duty-rosters', { vehicleId: other.vehicleId, from: '2026-04-04', reason: '清明值班' });
    const mine = (await call('operator', 'GET', '/api/duty-rosters')).json().items;
    assert.ok(mine.every((e: { unitId: number }) => e.unitId === own.unitId));
    const all = (await call('admin', 'GET', '/api/duty-rosters?from=2026-04-01&to=2026-04-30')).json().items;
    assert.deepEqual(all.map((e: { vehicleId: number; date: string }) => [e.vehicleId, e.date]), [[other.vehicleId, '2026-04-04']]);
  });
});
