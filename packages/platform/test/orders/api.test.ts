import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { bearer, errorCode, startHarness, type Harness } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { loadApprovedOrders } from '../../src/orders/repository.ts';

let h: Harness;
let own: { unitId: number; vehicleId: number };
let other: { unitId: number; vehicleId: number };
const tokens: Record<string, string> = {};
let placeId: number;
let ownDriver: number;
let otherDriver: number;

const call = (role: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(tokens[role]!), ...(payload && { payload }) });

const order = (overrides: object = {}) => ({
  vehicleId: own.vehicleId,
  driverId: ownDriver,
  applicant: '张伟',
  purpose: '赴疏附县检查工作',
  start: '2025-05-06T09:30:00+08:00',
  end: '2025-05-06T18:00:00+08:00',
  destinations: [{ placeId }, { name: '疏附县政府', latitude: 39.3757, longitude: 75.8617, radiusM: 200 }],
  ...overrides,
});

before(async () => {
  h = await startHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区交通运输局', '新Q60001', '013960000001');
  other = await insertFleetVehicle(h.store.db, '喀什地区卫生健康委员会', '新Q60002', '013960000002');
  tokens.admin = await h.loginAs('bureau_admin');
  tokens.inspector = await h.loginAs('inspector');
  tokens.operator = await h.loginAs('unit_operator', { unitId: own.unitId });
  tokens.supervisor = await h.loginAs('unit_supervisor', { unitId: own.unitId });
  tokens.otherOperator = await h.loginAs('unit_operator', { unitId: other.unitId });
  placeId = (await call('admin', 'POST', '/api/places', { name: '疏附县城', category: 'custom', shape: { kind: 'circle', latitude: 39.375, longitude: 75.86, radiusM: 1500 } })).json().id;
  ownDriver = (await call('operator', 'POST', '/api/drivers', { unitId: own.unitId, name: '买买提·艾力', icCardNumber: 'QC653100001' })).json().id;
  otherDriver = (await call('otherOperator', 'POST', '/api/drivers', { unitId: other.unitId, name: '李强', icCardNumber: 'QC653100002' })).json().id;
});
after(async () => h.close());

describe('trip orders API', () => {
  test('operator creates a pending order', async () => {
    const response = await call('operator', 'POST', '/api/orders', order({ externalRef: 'JT-2025-001' }));
    assert.equal(response.statusCode, 201, response.body);
    const created = response.json();
    assert.equal(created.status, 'pending');
    assert.equal(created.unitId, own.unitId);
    assert.equal(created.start, '2025-05-06T01:30:00.000Z');
    assert.deepEqual(created.destinations.map((d: { name: string; placeId: number | null }) => [d.name, d.placeId]), [['疏附县城', placeId], ['疏附县政府', null]]);
    assert.equal(created.driverName, '买买提·艾力');
  });

  test('rejects end before start', async () => {
    const response = await call('operator', 'POST', '/api/orders', order({ end: '2025-05-06T08:00:00+08:00' }));
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.json().error.message, /end .* is not after start/);
    assert.equal(response.json().error.details[0].path, 'body.end');
  });

  test('hides vehicles of other units', async () => {
    const foreign = await call('operator', 'POST', '/api/orders', order({ vehicleId: other.vehicleId, driverId: null }));
    const missing = await call('operator', 'POST', '/api/orders', order({ vehicleId: 999999, driverId: null }));
    assert.equal(foreign.statusCode, 400);
    assert.equal(missing.statusCode, 400);
    assert.match(foreign.json().error.message, /unknown vehicle: no vehicle with this id among the vehicles of your unit/);
    assert.equal(foreign.json().error.message.replace(String(other.vehicleId), 'ID'), missing.json().error.message.replace('999999', 'ID'));
  });

  test('rejects unknown and foreign drivers and places', async () => {
    const foreignDriver = await call('operator', 'POST', '/api/orders', order({ driverId: otherDriver }));
    assert.equal(foreignDriver.statusCode, 400);
    assert.match(foreignDriver.json().error.message, /driver belongs to 喀什地区卫生健康委员会, not to the vehicle's unit 喀什地区交通运输局/);
    const unknownDriver = await call('operator', 'POST', '/api/orders', order({ driverId: 424242 }));
    assert.match(unknownDriver.json().error.message, /unknown driver/);
    const unknownPlace = await call('operator', 'POST', '/api/orders', order({ destinations: [{ placeId: 424242 }] }));
    assert.equal(unknownPlace.statusCode, 400);
    assert.equal(unknownPlace.json().error.details[0].path, 'body.destinations.0');
  });

  test('supervisor approves, not the operator', async () => {
    const created = (await call('operator', 'POST', '/api/orders', order())).json();
    const denied = await call('operator', 'POST', `/api/orders/${created.id}/approve`, {});
    assert.equal(denied.statusCode, 403);
    const approved = await call('supervisor', 'POST', `/api/orders/${created.id}/approve`, { comment: '同意' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().status, 'approved');
    assert.equal(approved.json().decisionComment, '同意');
    const entry = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'trip_order.approved').where('object_id', '=', String(created.id)).executeTakeFirst();
    assert.ok(entry, 'trip_order.approved audit entry');
    const facts = await loadApprovedOrders(h.store.db, { vehicleId: own.vehicleId, from: Date.parse('2025-05-06T00:00:00Z'), to: Date.parse('2025-05-07T00:00:00Z') });
    assert.ok(facts.some((f) => f.id === created.id && f.destinations.length === 2));
    const twice = await call('supervisor', 'POST', `/api/orders/${created.id}/approve`, {});
    assert.equal(twice.statusCode, 409);
  });

  test('creator may not approve own order', async () => {
    const created = (await call('supervisor', 'POST', '/api/orders', order())).json();
    const response = await call('supervisor', 'POST', `/api/orders/${created.id}/approve`, {});
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error.message, /another approver/);
    assert.equal((await call('admin', 'POST', `/api/orders/${created.id}/approve`, {})).statusCode, 200);
  });

  test('reject needs a reason; cancel ends approved', async () => {
    const created = (await call('operator', 'POST', '/api/orders', order())).json();
    assert.equal((await call('supervisor', 'POST', `/api/orders/${created.id}/reject`, {})).statusCode, 400);
    const rejected = await call('supervisor', 'POST', `/api/orders/${created.id}/reject`, { reason: '无正当事由' });
    assert.equal(rejected.json().status, 'rejected');
    assert.equal((await call('operator', 'POST', `/api/orders/${created.id}/cancel`, { reason: '不用了' })).statusCode, 409);

    const second = (await call('operator', 'POST', '/api/orders', order())).json();
    await call('admin', 'POST', `/api/orders/${second.id}/approve`, {});
    const cancelled = await call('operator', 'POST', `/api/orders/${second.id}/cancel`, { reason: '行程取消' });
    assert.equal(cancelled.json().status, 'cancelled');
    assert.equal(cancelled.json().decisionComment, '行程取消');
  });

  test('scopes lists and ids by unit', async () => {
    const foreign = (await call('otherOperator', 'POST', '/api/orders', order({ vehicleId: other.vehicleId, driverId: otherDriver, destinations: [{ placeId }] }))).json();
    const mine = (await call('operator', 'GET', '/api/orders?limit=1000')).json();
    assert.ok(mine.items.length > 0);
    assert.ok(mine.items.every((o: { unitId: number }) => o.unitId === own.unitId));
    assert.equal((await call('operator', 'GET', `/api/orders/${foreign.id}`)).statusCode, 404);
    assert.equal((await call('operator', 'POST', `/api/orders/${foreign.id}/cancel`, { reason: 'x' })).statusCode, 404);
    assert.equal((await call('supervisor', 'POST', `/api/orders/${foreign.id}/approve`, {})).statusCode, 404);
    assert.equal((await call('inspector', 'GET', `/api/orders/${foreign.id}`)).statusCode, 200);
    assert.equal((await call('inspector', 'POST', '/api/orders', order())).statusCode, 403);
  });

  test('filters by status and window', async () => {
    const list = (await call('admin', 'GET', `/api/orders?status=approved&from=${encodeURIComponent('2025-05-06T00:00:00+08:00')}&to=${encodeURIComponent('2025-05-06T23:59:59+08:00')}`)).json();
    assert.ok(list.total >= 2);
    assert.ok(list.items.every((o: { status: string }) => o.status === 'approved'));
    const none = (await call('admin', 'GET', `/api/orders?from=${encodeURIComponent('2025-06-01T00:00:00+08:00')}`)).json();
    assert.equal(none.total, 0);
    const unencoded = await call('admin', 'GET', '/api/orders?from=2025-06-01T00:00:00+08:00');
    assert.equal(unencoded.statusCode, 400);
    assert.match(unencoded.json().error.message, /lost the '\+' of its offset.*write it as %2B/);
  });

  test('imports XLSX with per-row errors', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('派车单');
    sheet.addRow(['单号', '车牌号', '驾驶员', '申请人', '事由', '开始时间', '结束时间', '目的地', '出区', '节假日用车', '状态']);
    sheet.addRow(['X-1', '新Q60001', 'QC653100001', '王芳', '送文件', new Date(Date.UTC(2025, 4, 7, 9, 0)), new Date(Date.UTC(2025, 4, 7, 11, 30)), '疏附县城', '否', '否', '已批准']);
    sheet.addRow(['X-2', '新Q60002', '', '王芳', '借车', '2025-05-07 09:00', '2025-05-07 11:00', '疏附县城', '否', '否', '']);
    const contentBase64 = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');

    const operator = await call('operator', 'POST', '/api/orders/import', { format: 'xlsx', contentBase64 });
    assert.equal(operator.statusCode, 400);
    assert.equal(errorCode(operator), 'GONGCHE_ERR_IMPORT_ROWS');
    assert.deepEqual(operator.json().error.details.map((d: { row: number; column: string }) => [d.row, d.column]), [[2, '状态'], [3, '车牌号']]);

    const supervisor = await call('supervisor', 'POST', '/api/orders/import', { format: 'xlsx', contentBase64 });
    assert.equal(supervisor.statusCode, 400, 'row 3 names a vehicle of another unit');

    sheet.spliceRows(3, 1);
    const fixed = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const imported = await call('supervisor', 'POST', '/api/orders/import', { format: 'xlsx', contentBase64: fixed });
    assert.equal(imported.statusCode, 200, imported.body);
    assert.deepEqual([imported.json().orders, imported.json().approved], [1, 1]);
    const stored = (await call('supervisor', 'GET', `/api/orders/${imported.json().ids[0]}`)).json();
    assert.equal(stored.start, '2025-05-07T01:00:00.000Z', 'spreadsheet time read as Beijing time');
    assert.equal(stored.status, 'approved');
    assert.equal(stored.externalRef, 'X-1');
  });
});
