import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { batchBodies, call, expectStatus, seedLetteredUnit } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let installer: string;
let batchId: number;

const binding = (phone: string, n: number) => ({
  phone,
  terminalId: `W${n}`,
  imei: `86000000700${String(n).padStart(4, '0')}`,
  iccid: `8986000000070${String(n).padStart(6, '0')}`,
  manufacturerId: 'GC001',
  terminalModel: 'GC-T1',
});

before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  installer = await h.loginAs('installer');
  batchId = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201).id;
});
after(async () => h.close());

describe('POST /api/rollout/work-orders', () => {
  test('skips vehicles with a bound terminal', async () => {
    const unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区水利局', ['新Q72001', '新Q72002', '新Q72003']);
    // The second vehicle got its terminal before the rollout, e.g. from an earlier platform.
    const terminal = expectStatus(await call(h, bureau, 'POST', '/api/terminals', { phone: '013972000002', vehicleId: unit.vehicleIds[1] }), 201);

    const result = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.unitId, batchId, plannedDate: '2027-06-01' }), 201);
    assert.equal(result.created.length, 2);
    assert.deepEqual(result.alreadyInstalled, [{ vehicleId: unit.vehicleIds[1], plate: '新Q72002', terminal: { id: terminal.id, phone: '013972000002' } }]);
    assert.deepEqual(result.alreadyOrdered, []);

    const orders = expectStatus(await call(h, installer, 'GET', '/api/rollout/work-orders'), 200).items.filter((o: { unitId: number }) => o.unitId === unit.unitId);
    assert.deepEqual(orders.map((o: { plate: string }) => o.plate), ['新Q72001', '新Q72003']);
  });

  test('repeated request skips every vehicle', async () => {
    const unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区审计局', ['新Q72011', '新Q72012']);
    expectStatus(await call(h, bureau, 'POST', '/api/terminals', { phone: '013972000012', vehicleId: unit.vehicleIds[1] }), 201);
    const body = { unitId: unit.unitId, batchId, plannedDate: '2027-06-01' };
    const first = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', body), 201);
    assert.equal(first.created.length, 1);

    const second = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', body), 201);
    assert.deepEqual(second.created, []);
    assert.deepEqual(second.alreadyOrdered, [unit.vehicleIds[0]]);
    assert.deepEqual(second.alreadyInstalled.map((v: { plate: string }) => v.plate), ['新Q72012']);
  });

  test('unit without a reply letter is rejected', async () => {
    const unitId = expectStatus(await call(h, bureau, 'POST', '/api/units', { name: '喀什地区档案局', level: '正处级', nature: '行政机关' }), 201).id;
    const response = await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId, batchId, plannedDate: '2027-06-01' });
    assert.equal(response.statusCode, 409);
    assert.equal(errorCode(response), 'GONGCHE_ERR_LETTER_MISSING');
  });
});

describe('PUT /api/rollout/work-orders/:id/terminal', () => {
  test('vehicle with another terminal is rejected', async () => {
    const unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区统计局', ['新Q72021']);
    const [orderId] = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.unitId, batchId, plannedDate: '2027-06-01' }), 201).created;
    const other = expectStatus(await call(h, bureau, 'POST', '/api/terminals', { phone: '013972000021', vehicleId: unit.vehicleIds[0] }), 201);

    const response = await call(h, installer, 'PUT', `/api/rollout/work-orders/${orderId}/terminal`, binding('013972000099', 21));
    assert.equal(response.statusCode, 409);
    const error = response.json().error;
    assert.equal(error.code, 'GONGCHE_ERR_VEHICLE_HAS_TERMINAL');
    assert.equal(error.value, '013972000021');
    assert.deepEqual(error.details, { terminalId: other.id, vehicleId: unit.vehicleIds[0], plate: '新Q72021' });
    // Nothing was created or bound by the rejected request.
    const terminals = expectStatus(await call(h, bureau, 'GET', '/api/terminals'), 200).items.filter((t: { phone: string }) => t.phone === '013972000099');
    assert.deepEqual(terminals, []);
    assert.equal(expectStatus(await call(h, installer, 'GET', `/api/rollout/work-orders/${orderId}`), 200).terminal, null);
  });

  test('SIM of another vehicle is rejected', async () => {
    const unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区气象局', ['新Q72031', '新Q72032']);
    const [firstOrder, secondOrder] = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.unitId, batchId, plannedDate: '2027-06-01' }), 201).created;
    expectStatus(await call(h, installer, 'PUT', `/api/rollout/work-orders/${firstOrder}/terminal`, binding('013972000031', 31)), 200);

    const response = await call(h, installer, 'PUT', `/api/rollout/work-orders/${secondOrder}/terminal`, binding('013972000031', 32));
    assert.equal(response.statusCode, 409);
    const error = response.json().error;
    assert.equal(error.code, 'GONGCHE_ERR_TERMINAL_BOUND_ELSEWHERE');
    assert.equal(error.value, '013972000031');
    assert.equal(error.details.plate, '新Q72031');
  });

  test('rebinding same terminal updates fields', async () => {
    const unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区医疗保障局', ['新Q72041']);
    const [orderId] = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.unitId, batchId, plannedDate: '2027-06-01' }), 201).created;
    expectStatus(await call(h, installer, 'PUT', `/api/rollout/work-orders/${orderId}/terminal`, binding('013972000041', 41)), 200);
    const again = expectStatus(await call(h, installer, 'PUT', `/api/rollout/work-orders/${orderId}/terminal`, { ...binding('013972000041', 41), imei: '860000007009999' }), 200);
    assert.equal(again.terminal.phone, '013972000041');
    assert.equal(again.terminal.imei, '860000007009999');
  });
});

describe('GET /api/rollout/letters', () => {
  test('lists letters within unit scope', async () => {
    const first = await seedLetteredUnit(h, bureau, batchId, '喀什地区乡村振兴局', ['新Q72051', '新Q72052']);
    const second = await seedLetteredUnit(h, bureau, batchId, '喀什地区粮食和物资储备局', ['新Q72061']);

    const all = expectStatus(await call(h, bureau, 'GET', `/api/rollout/letters?batchId=${batchId}`), 200).items;
    const mine = all.find((letter: { unitId: number }) => letter.unitId === first.unitId);
    assert.equal(mine.id, first.letterId);
    assert.equal(mine.formId, first.formId);
    assert.equal(mine.installCount, 2);
    assert.equal(mine.exemptCount, 0);
    assert.match(mine.documentNumber, /^.+〔\d{4}〕\d+号$/);

    const operator = await h.loginAs('unit_operator', { unitId: second.unitId });
    const own = expectStatus(await call(h, operator, 'GET', '/api/rollout/letters'), 200).items;
    assert.deepEqual(own.map((letter: { id: number }) => letter.id), [second.letterId]);
    assert.deepEqual(expectStatus(await call(h, bureau, 'GET', `/api/rollout/letters?batchId=${batchId + 100}`), 200).items, []);
  });
});
