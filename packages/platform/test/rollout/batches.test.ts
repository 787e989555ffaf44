import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { defaultRolloutSettings } from '../../src/rollout/settings.ts';
import { beijingDate } from '../../src/rollout/batches.ts';
import { batchBodies, call, expectStatus, nextCreditCode } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let batch1: { id: number };
let batch2: { id: number };
let unitId: number;
let courtId: number;

const day = 24 * 3600_000;
const dateIn = (days: number) => beijingDate(Date.now() + days * day);

before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  const unit = (name: string, category: string) => ({ name, category, level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市', vehicleQuota: 2, actualCount: 1 });
  unitId = expectStatus(await call(h, bureau, 'POST', '/api/units', unit('喀什地区林业和草原局', 'other')), 201).id;
  courtId = expectStatus(await call(h, bureau, 'POST', '/api/units', unit('喀什地区中级人民法院', 'court')), 201).id;
  expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId, plate: '新Q60001', brandModel: '大众帕萨特', vehicleType: '轿车', usageNature: '一般公务用车' }), 201);
  expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId: courtId, plate: '新Q60002', brandModel: '大众帕萨特', vehicleType: '轿车', usageNature: '执法执勤用车' }), 201);
  batch1 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201);
  batch2 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.second), 201);
});
after(async () => h.close());

describe('POST /api/rollout/batches', () => {
  test('taken batch number rejected', async () => {
    const response = await call(h, bureau, 'POST', '/api/rollout/batches', { ...batchBodies.second, name: '第二批（重复）' });
    assert.equal(response.statusCode, 409);
    assert.equal(errorCode(response), 'GONGCHE_ERR_BATCH_EXISTS');
    assert.equal(response.json().error.value, 2);
  });
});

describe('PATCH /api/rollout/batches/:id', () => {
  test('sets batch 2 deadlines and keeps the others', async () => {
    const first = expectStatus(await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { deadlines: { registration: '2023-03-10', review: '2023-03-20' } }), 200);
    assert.deepEqual(first.deadlines, { registration: '2023-03-10', review: '2023-03-20' });
    const second = expectStatus(await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { name: '第二批（政法）', deadlines: { review: '2023-03-25' } }), 200);
    assert.equal(second.name, '第二批（政法）');
    assert.deepEqual(second.deadlines, { registration: '2023-03-10', review: '2023-03-25' });
    const listed = expectStatus(await call(h, bureau, 'GET', '/api/rollout/batches'), 200).items.find((b: { id: number }) => b.id === batch2.id);
    assert.deepEqual(listed.deadlines, second.deadlines);
  });

  test('changed scope rule moves units between batches', async () => {
    const scope = async (id: number) => expectStatus(await call(h, bureau, 'GET', `/api/rollout/batches/${id}/scope`), 200).units.map((u: { unitId: number }) => u.unitId);
    assert.deepEqual(await scope(batch2.id), [courtId]);
    expectStatus(await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch1.id}`, { scopeRule: { unitCategories: { exclude: ['discipline_inspection'] } } }), 200);
    assert.deepEqual(await scope(batch1.id), [unitId, courtId]);
    assert.deepEqual(await scope(batch2.id), []);
    expectStatus(await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch1.id}`, { scopeRule: batchBodies.first.scopeRule }), 200);
    assert.deepEqual(await scope(batch2.id), [courtId]);
  });

  test('rejects a date that is not a calendar day', async () => {
    const response = await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { deadlines: { acceptance: '2023-02-29' } });
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.body, /calendar date/);
  });

  test('rejects a misspelt phase name', async () => {
    const response = await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { deadlines: { acceptence: '2023-10-15' } });
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.body, /acceptence/);
  });

  test('rejects changing the batch number', async () => {
    const response = await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { number: 3 });
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.body, /number/);
  });

  test('rejects an unknown unit category in the scope rule', async () => {
    const response = await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch2.id}`, { scopeRule: { unitCategories: { include: ['army'] } } });
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('unknown batch is not found', async () => {
    assert.equal(errorCode(await call(h, bureau, 'PATCH', '/api/rollout/batches/999', { name: '第九批' })), 'GONGCHE_ERR_NOT_FOUND');
  });

  test('only the bureau may change a batch', async () => {
    for (const role of ['unit_operator', 'unit_supervisor', 'secrecy_reviewer', 'installer', 'inspector'] as const) {
      const token = await h.loginAs(role, role.startsWith('unit_') ? { unitId } : {});
      assert.equal((await call(h, token, 'PATCH', `/api/rollout/batches/${batch2.id}`, { name: '第二批' })).statusCode, 403, role);
    }
  });
});

describe('rollout settings', () => {
  test('GET returns the defaults on a new store', async () => {
    assert.deepEqual(expectStatus(await call(h, bureau, 'GET', '/api/rollout/settings'), 200), defaultRolloutSettings);
  });

  test('PATCH changes the given settings only', async () => {
    const changed = expectStatus(await call(h, bureau, 'PATCH', '/api/rollout/settings', { letterNumberPrefix: '喀地机管函', acceptanceWindowDays: 10, inspectionWeights: { coverage: 50, onlineRate: 20, tamperAlerts: 10, unansweredAlerts: 20 } }), 200);
    assert.equal(changed.acceptanceWindowDays, 10);
    assert.deepEqual(changed.inspectionWeights, { coverage: 50, onlineRate: 20, tamperAlerts: 10, unansweredAlerts: 20 });
    assert.equal(changed.issuingOrgan, defaultRolloutSettings.issuingOrgan);
    assert.deepEqual(expectStatus(await call(h, bureau, 'GET', '/api/rollout/settings'), 200), changed);
    const entry = h.store.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'rollout.settings_changed' ORDER BY seq DESC LIMIT 1").get() as { detail: string };
    assert.equal(JSON.parse(entry.detail).changes.acceptanceWindowDays, 10);
  });

  const bad: [string, object, RegExp][] = [
    ['window of 0 days', { acceptanceWindowDays: 0 }, /acceptanceWindowDays/],
    ['fractional window', { onlineWindowHours: 1.5 }, /onlineWindowHours/],
    ['negative weight', { inspectionWeights: { coverage: -1, onlineRate: 30, tamperAlerts: 15, unansweredAlerts: 15 } }, /coverage/],
    ['all weights 0', { inspectionWeights: { coverage: 0, onlineRate: 0, tamperAlerts: 0, unansweredAlerts: 0 } }, /at least one weight/],
    ['weights missing a part', { inspectionWeights: { coverage: 50, onlineRate: 50 } }, /tamperAlerts/],
    ['misspelt setting', { acceptanceWindowDay: 5 }, /acceptanceWindowDay/],
    ['empty seal text', { sealText: ' ' }, /sealText/],
  ];
  for (const [name, body, pattern] of bad) {
    test(`PATCH rejects ${name}`, async () => {
      const before = expectStatus(await call(h, bureau, 'GET', '/api/rollout/settings'), 200);
      const response = await call(h, bureau, 'PATCH', '/api/rollout/settings', body);
      assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
      assert.match(response.body, pattern);
      assert.deepEqual(expectStatus(await call(h, bureau, 'GET', '/api/rollout/settings'), 200), before, 'a rejected change altered the settings');
    });
  }

  test('unit staff may neither read nor change settings', async () => {
    const operator = await h.loginAs('unit_operator', { unitId });
    assert.equal((await call(h, operator, 'GET', '/api/rollout/settings')).statusCode, 403);
    assert.equal((await call(h, operator, 'PATCH', '/api/rollout/settings', { acceptanceWindowDays: 3 })).statusCode, 403);
    const inspector = await h.loginAs('inspector');
    expectStatus(await call(h, inspector, 'GET', '/api/rollout/settings'), 200);
    assert.equal((await call(h, inspector, 'PATCH', '/api/rollout/settings', { acceptanceWindowDays: 3 })).statusCode, 403);
  });
});

describe('progress and overdue list', () => {
  test('phase states follow the records and the deadlines', async () => {
    const progress = await h.loginAs('bureau_admin');
    // Courts fall under batch 2 (the first matching rule), so batch 3 covers only the overridden unit.
    const batch = expectStatus(await call(h, progress, 'POST', '/api/rollout/batches', { number: 3, name: '第三批', scopeRule: { unitCategories: { include: ['court'] } }, deadlines: {} }), 201);
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/overrides', { objectType: 'unit', objectId: unitId, batchId: batch.id, reason: '随第三批统一安装' }), 201);
    expectStatus(await call(h, bureau, 'PATCH', `/api/rollout/batches/${batch.id}`, { deadlines: { registration: dateIn(-2), review: dateIn(30), installation: dateIn(60) } }), 200);

    const operator = await h.loginAs('unit_operator', { unitId });
    const form = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', { unitId, batchId: batch.id, staffName: '马丽', staffPhone: '13999991111', vehicleQuota: 2, actualCount: 1, install: [{ plate: '新Q60001' }] }), 201);
    const states = async (token: string) => {
      const items = expectStatus(await call(h, token, 'GET', `/api/rollout/batches/${batch.id}/progress`), 200).items as { unitId: number; phases: { phase: string; state: string; dueDate: string | null; doneAt: string | null }[] }[];
      return Object.fromEntries(items.map((item) => [item.unitId, Object.fromEntries(item.phases.map((p) => [p.phase, p.state]))]));
    };
    const draft = await states(bureau);
    assert.deepEqual(draft[unitId], { registration: 'overdue', review: 'pending', installation: 'pending', acceptance: 'pending', data_security: 'pending' });
    assert.deepEqual(Object.keys(draft), [String(unitId)]);
    const overdue = expectStatus(await call(h, bureau, 'GET', `/api/rollout/overdue?batchId=${batch.id}`), 200).items;
    assert.deepEqual(overdue.map((r: { unitId: number; phase: string; dueDate: string }) => `${r.unitId}:${r.phase}:${r.dueDate}`), [`${unitId}:registration:${dateIn(-2)}`]);

    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    const submitted = expectStatus(await call(h, operator, 'GET', `/api/rollout/batches/${batch.id}/progress`), 200).items;
    assert.deepEqual(submitted.map((r: { unitId: number }) => r.unitId), [unitId], 'the operator sees only its unit');
    const registration = submitted[0].phases.find((p: { phase: string }) => p.phase === 'registration');
    assert.equal(registration.state, 'done');
    assert.equal(registration.dueDate, dateIn(-2));
    assert.ok(Date.now() - Date.parse(registration.doneAt) < 60_000);
    assert.deepEqual(expectStatus(await call(h, operator, 'GET', `/api/rollout/overdue?batchId=${batch.id}`), 200).items, []);
  });

  test('unknown batch progress is not found', async () => {
    assert.equal(errorCode(await call(h, bureau, 'GET', '/api/rollout/batches/999/progress')), 'GONGCHE_ERR_NOT_FOUND');
  });

  test('installer and secrecy reviewer may not read progress', async () => {
    for (const role of ['installer', 'secrecy_reviewer'] as const) {
      const token = await h.loginAs(role);
      assert.equal((await call(h, token, 'GET', `/api/rollout/batches/${batch1.id}/progress`)).statusCode, 403, role);
      assert.equal((await call(h, token, 'GET', '/api/rollout/overdue')).statusCode, 403, role);
    }
  });
});
