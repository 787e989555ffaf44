import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { computeAssignments } from '../../src/rollout/scope.ts';
import { batchBodies, call, expectStatus } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let batch1: { id: number };
let batch2: { id: number };
const ids: Record<string, number> = {};

async function addUnit(name: string, category = 'other', supervisingUnitId?: number, organisationCode: string | null = null) {
  const body = { name, category, level: '正处级', nature: '行政机关', organisationCode, address: '喀什市', vehicleQuota: 5, actualCount: 1, ...(supervisingUnitId && { supervisingUnitId }) };
  return expectStatus(await call(h, bureau, 'POST', '/api/units', body), 201).id as number;
}

async function addVehicle(unitId: number, plate: string, usageNature = '一般公务用车', leaderRank?: string) {
  return expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId, plate, vehicleType: '轿车', usageNature, brandModel: '大众帕萨特', ...(leaderRank && { leaderRank }) }), 201).id as number;
}

before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  ids.education = await addUnit('喀什地区教育局');
  ids.school = await addUnit('喀什地区第一中学', 'other', ids.education);
  ids.health = await addUnit('喀什地区卫生健康委员会', 'other', undefined, '11653100000073146B');
  ids.court = await addUnit('喀什地区中级人民法院', 'court');
  ids.schoolCar = await addVehicle(ids.school, '新Q30001');
  ids.healthCar = await addVehicle(ids.health, '新Q30002');
  ids.courtCar = await addVehicle(ids.court, '新Q30003');
  ids.deputyDivision = await addVehicle(ids.health, '新Q30004', '领导保障用车', '副处级');
  ids.section = await addVehicle(ids.health, '新Q30005', '领导保障用车', '正科级');
  ids.bureauLevel = await addVehicle(ids.school, '新QD12345', '领导保障用车', '正厅级');
  batch1 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201);
  batch2 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.second), 201);
});
after(async () => h.close());

describe('batch scope rules', () => {
  test('leadership vehicles from 副处级 up go to batch 2', async () => {
    const { vehicleBatch } = await computeAssignments(h.store.db);
    assert.equal(vehicleBatch.get(ids.deputyDivision!), batch2.id);
    assert.equal(vehicleBatch.get(ids.bureauLevel!), batch2.id);
    assert.equal(vehicleBatch.get(ids.section!), batch1.id);
  });

  test('judicial units go to batch 2 and others to batch 1', async () => {
    const { vehicleBatch } = await computeAssignments(h.store.db);
    assert.equal(vehicleBatch.get(ids.courtCar!), batch2.id);
    assert.equal(vehicleBatch.get(ids.healthCar!), batch1.id);
    assert.equal(vehicleBatch.get(ids.schoolCar!), batch1.id);
  });

  test('manual override moves a vehicle and needs a reason', async () => {
    const short = await call(h, bureau, 'POST', '/api/rollout/overrides', { objectType: 'vehicle', objectId: ids.courtCar, batchId: batch1.id, reason: '' });
    assert.equal(errorCode(short), 'GONGCHE_ERR_VALIDATION');
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/overrides', { objectType: 'vehicle', objectId: ids.courtCar, batchId: batch1.id, reason: '法院申请提前安装' }), 201);
    assert.equal((await computeAssignments(h.store.db)).vehicleBatch.get(ids.courtCar!), batch1.id);
  });

  test('override listed, then removed', async () => {
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/overrides', { objectType: 'vehicle', objectId: ids.schoolCar, batchId: batch2.id, reason: '随司法车辆一并安装' }), 201);
    const listed = expectStatus(await call(h, bureau, 'GET', '/api/rollout/overrides'), 200).items as { objectType: string; objectId: number; objectName: string; unitName: string | null; batchId: number; reason: string; createdBy: string | null }[];
    const school = listed.find((o) => o.objectType === 'vehicle' && o.objectId === ids.schoolCar);
    assert.equal(school?.batchId, batch2.id);
    assert.equal(school?.reason, '随司法车辆一并安装');
    assert.match(school?.objectName ?? '', /^新Q/);
    assert.ok(school?.unitName, 'a vehicle names its unit');
    assert.ok(school?.createdBy, 'the user who set it');
    assert.equal((await computeAssignments(h.store.db)).vehicleBatch.get(ids.schoolCar!), batch2.id);

    const removed = await call(h, bureau, 'DELETE', `/api/rollout/overrides/vehicle/${ids.schoolCar}`);
    expectStatus(removed, 200);
    assert.equal((await computeAssignments(h.store.db)).vehicleBatch.get(ids.schoolCar!), batch1.id, 'the rule applies again');
    const entry = h.store.sqlite.prepare("SELECT object_id, detail FROM audit_log WHERE action = 'batch.override_removed' ORDER BY seq DESC LIMIT 1").get() as { object_id: string; detail: string };
    assert.equal(entry.object_id, String(ids.schoolCar));
    assert.equal(JSON.parse(entry.detail).batchId, batch2.id);

    const again = await call(h, bureau, 'DELETE', `/api/rollout/overrides/vehicle/${ids.schoolCar}`);
    assert.equal(errorCode(again), 'GONGCHE_ERR_NOT_FOUND');
    const badType = await call(h, bureau, 'DELETE', `/api/rollout/overrides/driver/${ids.schoolCar}`);
    assert.equal(errorCode(badType), 'GONGCHE_ERR_VALIDATION');
    const operator = await h.loginAs('unit_operator', { unitId: ids.school });
    assert.equal((await call(h, operator, 'GET', '/api/rollout/overrides')).statusCode, 403);
  });
});

describe('form refusals', () => {
  test('operator of another unit gets 404 for the form', async () => {
    const own = await h.loginAs('unit_operator', { unitId: ids.health });
    const form = expectStatus(await call(h, own, 'POST', '/api/rollout/forms', { unitId: ids.health, batchId: batch1.id, install: [{ plate: '新Q30002' }] }), 201);
    const other = await h.loginAs('unit_operator', { unitId: ids.school });
    assert.equal(errorCode(await call(h, other, 'GET', `/api/rollout/forms/${form.id}`)), 'GONGCHE_ERR_NOT_FOUND');
    assert.equal(errorCode(await call(h, other, 'PUT', `/api/rollout/forms/${form.id}`, { install: [] })), 'GONGCHE_ERR_NOT_FOUND');
    assert.equal(errorCode(await call(h, other, 'POST', '/api/rollout/forms', { unitId: ids.health, batchId: batch2.id })), 'GONGCHE_ERR_NOT_FOUND');
  });

  test('form listing a vehicle of another unit is rejected', async () => {
    const operator = await h.loginAs('unit_operator', { unitId: ids.school });
    const response = await call(h, operator, 'POST', '/api/rollout/forms', { unitId: ids.school, batchId: batch1.id, install: [{ plate: '新Q30002' }] });
    assert.equal(errorCode(response), 'GONGCHE_ERR_FORM_UNKNOWN_VEHICLE');
  });

  test('exempt vehicle without a reason blocks submission', async () => {
    const supervisor = await h.loginAs('unit_supervisor', { unitId: ids.education });
    const form = expectStatus(await call(h, supervisor, 'POST', '/api/rollout/forms', { unitId: ids.school, batchId: batch1.id, staffName: '李娜', staffPhone: '0998-2812345', exempt: [{ plate: '新Q30001' }] }), 201);
    const response = await call(h, supervisor, 'POST', `/api/rollout/forms/${form.id}/submit`);
    assert.equal(errorCode(response), 'GONGCHE_ERR_FORM_EXEMPT_REASON_MISSING');
    const validation = expectStatus(await call(h, supervisor, 'POST', `/api/rollout/forms/${form.id}/validate`), 200);
    assert.equal(validation.ok, false);
  });

  test('secrecy reviewer and installer may not read forms', async () => {
    const secrecy = await h.loginAs('secrecy_reviewer');
    const installer = await h.loginAs('installer');
    assert.equal((await call(h, secrecy, 'GET', '/api/rollout/forms')).statusCode, 403);
    assert.equal((await call(h, installer, 'GET', '/api/rollout/forms')).statusCode, 403);
    assert.equal((await call(h, installer, 'GET', '/api/rollout/exemptions')).statusCode, 403);
    assert.equal((await call(h, secrecy, 'GET', '/api/rollout/work-orders')).statusCode, 403);
  });

  test('operator may not review, issue letters or publish bulletins', async () => {
    const operator = await h.loginAs('unit_operator', { unitId: ids.health });
    const review = { stage: 'bureau', decision: 'approve', comment: '同意', sealText: '（印章）' };
    assert.equal((await call(h, operator, 'POST', '/api/rollout/forms/1/reviews', review)).statusCode, 403);
    assert.equal((await call(h, operator, 'POST', '/api/rollout/forms/1/letter')).statusCode, 403);
    assert.equal((await call(h, operator, 'POST', `/api/rollout/batches/${batch1.id}/bulletins`)).statusCode, 403);
  });

  test('preliminary opinion refused outside supervised units', async () => {
    const operator = await h.loginAs('unit_operator', { unitId: ids.health });
    const form = (await call(h, operator, 'GET', '/api/rollout/forms')).json().items[0];
    const filled = { staffName: '王芳', staffPhone: '13912345670', vehicleQuota: 5, actualCount: 3, install: [{ plate: '新Q30002' }, { plate: '新Q30005' }] };
    expectStatus(await call(h, operator, 'PUT', `/api/rollout/forms/${form.id}`, filled), 200);
    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    const selfSupervisor = await h.loginAs('unit_supervisor', { unitId: ids.health });
    const review = { stage: 'preliminary', decision: 'approve', comment: '同意', sealText: '（印章）' };
    assert.equal(errorCode(await call(h, selfSupervisor, 'POST', `/api/rollout/forms/${form.id}/reviews`, review)), 'GONGCHE_ERR_FORBIDDEN');
    const educationSupervisor = await h.loginAs('unit_supervisor', { unitId: ids.education });
    assert.equal(errorCode(await call(h, educationSupervisor, 'POST', `/api/rollout/forms/${form.id}/reviews`, review)), 'GONGCHE_ERR_NOT_FOUND', 'the health unit is outside the education subtree');
    const schoolForm = (await call(h, educationSupervisor, 'GET', '/api/rollout/forms')).json().items.find((f: { unitId: number }) => f.unitId === ids.school);
    const schoolSupervisor = await h.loginAs('unit_supervisor', { unitId: ids.school });
    assert.equal(errorCode(await call(h, schoolSupervisor, 'POST', `/api/rollout/forms/${schoolForm.id}/reviews`, review)), 'GONGCHE_ERR_FORBIDDEN');
    const bureauReview = { ...review, stage: 'bureau' };
    assert.equal(errorCode(await call(h, bureau, 'POST', `/api/rollout/forms/${schoolForm.id}/reviews`, bureauReview)), 'GONGCHE_ERR_FORM_STATE', 'a draft form takes no opinion');
  });
});

describe('form import', () => {
  test('import lists bad rows and stores nothing', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('附件1');
    sheet.addRow(['公务用车编制数', '5', '', '公务用车实有数', '2']);
    sheet.addRow(['序号', '品牌型号', '车牌号', '车辆类型', '使用性质', '备注']);
    sheet.addRow([1, '大众帕萨特', '新Q3000I', '轿车', '一般公务用车']);
    sheet.addRow([2, '大众帕萨特', '新Q30001', '拖拉机', '一般公务用车']);
    sheet.addRow([]);
    sheet.addRow(['序号', '品牌型号', '车牌号', '车辆类型', '使用性质', '暂不安装原因', '备注']);
    sheet.addRow([1, '丰田普拉多', '新QD12345', '越野车', '领导保障用车', '']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const operator = await h.loginAs('unit_operator', { unitId: ids.school });
    const response = await call(h, operator, 'POST', '/api/rollout/forms/import', { unitId: ids.school, batchId: batch2.id, contentBase64: content });
    assert.equal(errorCode(response), 'GONGCHE_ERR_IMPORT_ROWS');
    const details = response.json().error.details as { row: number; column: string }[];
    assert.deepEqual(details.map((d) => `${d.row}:${d.column}`), ['3:车牌号', '4:车辆类型', '7:暂不安装原因']);
  });
});
