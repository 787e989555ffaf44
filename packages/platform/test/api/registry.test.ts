import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';

let h: Harness;
let admin: string;
let onlineTerminals = new Set<number>();
const gateway: GatewayControl = {
  isOnline: (id) => onlineTerminals.has(id),
  confirmAlarm: async () => {},
};

before(async () => {
  h = await startHarness(gateway);
  admin = await h.loginAs('bureau_admin');
});
after(async () => h.close());

const post = (url: string, payload: object, token = admin) => h.app.inject({ method: 'POST', url, headers: bearer(token), payload });
const patch = (url: string, payload: object, token = admin) => h.app.inject({ method: 'PATCH', url, headers: bearer(token), payload });
const get = (url: string, token = admin) => h.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('units', () => {
  test('creates, reads, lists and changes a unit', async () => {
    const created = await post('/api/units', { name: '喀什地区机关事务管理局', category: 'other', vehicleQuota: 8 });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    assert.equal((await get(`/api/units/${id}`)).json().vehicleQuota, 8);
    assert.ok((await get('/api/units')).json().items.some((u: { id: number }) => u.id === id));

    const changed = await patch(`/api/units/${id}`, { address: '喀什市人民东路1号' });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().address, '喀什市人民东路1号');
    assert.equal(changed.json().vehicleQuota, 8);
  });

  test('PATCH without category keeps the stored category', async () => {
    const created = await post('/api/units', { name: '喀什地区中级人民法院', category: 'court' });
    const changed = await patch(`/api/units/${created.json().id}`, { level: '正处级' });
    assert.equal(changed.json().category, 'court');
  });

  test('rejects an invalid body with the field path', async () => {
    const response = await post('/api/units', { name: '', category: 'unknown' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    const paths = response.json().error.details.map((d: { path: string }) => d.path);
    assert.ok(paths.includes('body.name'));
    assert.ok(paths.includes('body.category'));
  });

  test('duplicate name names the unit', async () => {
    const first = (await post('/api/units', { name: '喀什地区审计局' })).json().id;
    const again = await post('/api/units', { name: '喀什地区审计局' });
    assert.equal(again.statusCode, 409);
    assert.equal(errorCode(again), 'GONGCHE_ERR_UNIT_NAME_TAKEN');
    assert.equal(again.json().error.value, '喀什地区审计局');
    assert.match(again.json().error.message, new RegExp(`unit ${first}\\b`));
  });

  test('duplicate organisation code on update', async () => {
    const holder = (await post('/api/units', { name: '喀什地区水利局', organisationCode: '11653100000073138G' })).json().id;
    const other = (await post('/api/units', { name: '喀什地区林草局' })).json().id;
    const clash = await patch(`/api/units/${other}`, { organisationCode: '11653100000073138G' });
    assert.equal(clash.statusCode, 409);
    assert.equal(errorCode(clash), 'GONGCHE_ERR_ORGANISATION_CODE_TAKEN');
    assert.equal(clash.json().error.value, '11653100000073138G');
    assert.match(clash.json().error.message, /喀什地区水利局/);
    assert.match(clash.json().error.message, new RegExp(`\\(${holder}\\)`));
    const renamed = await patch(`/api/units/${holder}`, { name: '喀什地区水利局', organisationCode: '11653100000073138G' });
    assert.equal(renamed.statusCode, 200, 'a unit keeps its own name and code');
  });

  test('unknown unit id returns 404', async () => {
    const response = await get('/api/units/99999');
    assert.equal(response.statusCode, 404);
    assert.equal(errorCode(response), 'GONGCHE_ERR_NOT_FOUND');
    assert.equal((await patch('/api/units/99999', { level: '科级' })).statusCode, 404);
  });

  test('non-numeric id is a validation error', async () => {
    const response = await get('/api/units/abc');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details[0].path, 'params.id');
  });

  test('roles other than bureau_admin and sys_admin may not write', async () => {
    const sysAdmin = await h.loginAs('sys_admin');
    assert.equal((await post('/api/units', { name: '喀什地区系统管理测试单位' }, sysAdmin)).statusCode, 201);
    for (const role of ['unit_operator', 'inspector', 'auditor'] as const) {
      const token = await h.loginAs(role);
      const response = await post('/api/units', { name: `单位-${role}` }, token);
      assert.equal(response.statusCode, 403, role);
      assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
    }
    assert.equal((await get('/api/units', await h.loginAs('inspector'))).statusCode, 200);
    // The auditor reads the audit log only, not the registry.
    assert.equal((await get('/api/units', await h.loginAs('auditor'))).statusCode, 403);
  });
});

describe('vehicles', () => {
  test('rejects a plate already registered in another unit with 409', async () => {
    const a = (await post('/api/units', { name: '喀什地区公安局' })).json().id;
    const b = (await post('/api/units', { name: '喀什地区司法局' })).json().id;
    const first = await post('/api/vehicles', { unitId: a, plate: '新Q12345', vehicleType: '轿车', usageNature: '一般公务用车' });
    assert.equal(first.statusCode, 201);
    const second = await post('/api/vehicles', { unitId: b, plate: '新q 12345' });
    assert.equal(second.statusCode, 409);
    assert.equal(errorCode(second), 'GONGCHE_ERR_PLATE_TAKEN');
    assert.equal(second.json().error.value, '新Q12345');
  });

  test('rejects an unknown unit with 404 and a bad plate with 400', async () => {
    const unknownUnit = await post('/api/vehicles', { unitId: 99999, plate: '新Q54321' });
    assert.equal(unknownUnit.statusCode, 404);
    const badPlate = await post('/api/vehicles', { unitId: 1, plate: 'ABC' });
    assert.equal(badPlate.statusCode, 400);
    assert.equal(badPlate.json().error.details[0].path, 'body.plate');
  });

  test('PATCH without status keeps a sealed vehicle sealed', async () => {
    const unitId = (await post('/api/units', { name: '喀什地区检察院' })).json().id;
    const id = (await post('/api/vehicles', { unitId, plate: '新Q66666', status: 'sealed' })).json().id;
    const changed = await patch(`/api/vehicles/${id}`, { remarks: '封存' });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().status, 'sealed');
  });

  test('list shows terminal and newest valid fix', async () => {
    const ids = await insertFleetVehicle(h.store.db, '喀什地区位置测试单位', '新Q70001', '013912340001');
    const t0 = Date.parse('2024-05-01T08:00:00Z');
    await insertPositions(h.store, ids, [
      { deviceTime: t0, latitude: 39.1 },
      { deviceTime: t0 + 120_000, latitude: 39.3, valid: false },
      { deviceTime: t0 + 60_000, latitude: 39.2, receivedAt: t0 + 3_600_000 },
      { deviceTime: null, latitude: 39.9, valid: false },
    ]);
    onlineTerminals = new Set([ids.terminalId]);

    const list = await get(`/api/vehicles?plate=q70001`);
    assert.equal(list.statusCode, 200);
    const [vehicle] = list.json().items;
    assert.equal(vehicle.plate, '新Q70001');
    assert.equal(vehicle.terminal.id, ids.terminalId);
    assert.equal(vehicle.terminal.online, true);
    assert.equal(vehicle.lastPosition.latitude, 39.2);
    assert.equal(vehicle.lastPosition.time, '2024-05-01T08:01:00.000Z');

    const one = await get(`/api/vehicles/${ids.vehicleId}`);
    assert.deepEqual(one.json(), vehicle);
    const byUnit = await get(`/api/vehicles?unitId=${ids.unitId}`);
    assert.deepEqual(byUnit.json().items.map((v: { id: number }) => v.id), [ids.vehicleId]);
  });

  test('sys_admin sees vehicles without positions', async () => {
    const ids = await insertFleetVehicle(h.store.db, '喀什地区位置测试单位二', '新Q70002', '013912340002');
    await insertPositions(h.store, ids, [{ deviceTime: Date.now() - 1000 }]);
    const sysAdmin = await h.loginAs('sys_admin');
    const one = await get(`/api/vehicles/${ids.vehicleId}`, sysAdmin);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().lastPosition, null);
    assert.notEqual((await get(`/api/vehicles/${ids.vehicleId}`)).json().lastPosition, null);
  });

  test('unit_operator limited to own unit', async () => {
    const own = await insertFleetVehicle(h.store.db, '喀什地区运营单位甲', '新Q70003', '013912340003');
    const other = await insertFleetVehicle(h.store.db, '喀什地区运营单位乙', '新Q70004', '013912340004');
    const operator = await h.loginAs('unit_operator', { unitId: own.unitId });
    const list = await get('/api/vehicles', operator);
    assert.deepEqual(list.json().items.map((v: { id: number }) => v.id), [own.vehicleId]);
    // Another unit's vehicle answers like a vehicle that does not exist.
    assert.equal((await get(`/api/vehicles/${other.vehicleId}`, operator)).statusCode, 404);
    const otherUnit = await get(`/api/vehicles?unitId=${other.unitId}`, operator);
    assert.equal(otherUnit.statusCode, 200);
    assert.deepEqual(otherUnit.json().items, []);
  });
});

describe('terminals', () => {
  test('never returns auth codes', async () => {
    const unitId = (await post('/api/units', { name: '喀什地区终端测试单位' })).json().id;
    const vehicleId = (await post('/api/vehicles', { unitId, plate: '新Q80001' })).json().id;
    const created = await post('/api/terminals', { phone: '013912349999', vehicleId, legacyAuthCode: 'LEGACY-SECRET-1' });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    await h.store.db.updateTable('terminals').set({ auth_code: 'ISSUED-SECRET-2' }).where('id', '=', id).execute();

    const responses = [created, await get('/api/terminals'), await get(`/api/terminals/${id}`), await patch(`/api/terminals/${id}`, { terminalModel: 'GT-808' })];
    for (const response of responses) {
      assert.ok(response.statusCode < 300);
      assert.doesNotMatch(response.body, /SECRET|authCode|auth_code|legacy/i);
    }
    const stored = await h.store.db.selectFrom('terminals').select('legacy_auth_code').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(stored.legacy_auth_code, 'LEGACY-SECRET-1');
  });

  test('rejects a phone already registered with 409', async () => {
    await post('/api/terminals', { phone: '13912348888' });
    const again = await post('/api/terminals', { phone: '013912348888' });
    assert.equal(again.statusCode, 409);
    assert.equal(errorCode(again), 'GONGCHE_ERR_PHONE_TAKEN');
    assert.equal(again.json().error.value, '013912348888');
  });

  test('rejects a phone with letters, naming the field', async () => {
    const response = await post('/api/terminals', { phone: '1391234abcd' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.details[0].path, 'body.phone');
  });
});
