import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { batchBodies, call, expectStatus, nextCreditCode } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let secrecy: string;
let batchId: number;

const opinion = (stage: string, decision: string, extra: object = {}) => ({ stage, decision, comment: '经审核提出意见', sealText: '（审核单位印章）', ...extra });
const plates = (lines: { plate: string }[]) => lines.map((l) => l.plate);

/** Creates a unit (under a supervising unit when given) with general vehicles and returns its id. */
async function unitWithVehicles(name: string, vehiclePlates: string[], supervisingUnitId?: number): Promise<number> {
  const body = { name, level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市', ...(supervisingUnitId && { supervisingUnitId }) };
  const id = expectStatus(await call(h, bureau, 'POST', '/api/units', body), 201).id as number;
  for (const plate of vehiclePlates) expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId: id, plate, brandModel: '丰田普拉多', vehicleType: '越野车', usageNature: '执法执勤用车' }), 201);
  return id;
}

before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  secrecy = await h.loginAs('secrecy_reviewer');
  batchId = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201).id;
});
after(async () => h.close());

describe('return for correction', () => {
  test('returned form is corrected, resubmitted and reviewed again', async () => {
    const supervisingId = await unitWithVehicles('喀什地区自然资源局', []);
    const unitId = await unitWithVehicles('喀什地区自然资源局测绘队', ['新Q70001', '新Q70002'], supervisingId);
    const operator = await h.loginAs('unit_operator', { unitId });
    const supervisor = await h.loginAs('unit_supervisor', { unitId: supervisingId });
    const filled = { staffName: '阿依古丽', staffPhone: '13999992222', vehicleQuota: 3, actualCount: 2, install: [{ plate: '新Q70001' }], exempt: [{ plate: '新Q70002', reason: '保密' }] };
    const form = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', { unitId, batchId, ...filled }), 201);
    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    assert.equal(errorCode(await call(h, operator, 'PUT', `/api/rollout/forms/${form.id}`, filled)), 'GONGCHE_ERR_FORM_STATE', 'a submitted form is not editable');

    // Round 1: the supervising department returns the form for a fuller reason.
    const returned = expectStatus(await call(h, supervisor, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('preliminary', 'return', { comment: '暂不安装理由不充分，请补充' })), 201);
    assert.equal(returned.state, 'draft');
    assert.equal(returned.review.round, 1);
    const draft = expectStatus(await call(h, operator, 'GET', `/api/rollout/forms/${form.id}`), 200);
    assert.equal(draft.state, 'draft');
    assert.equal(draft.round, 2);
    assert.equal(draft.submittedAt, null);
    assert.equal(errorCode(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('secrecy', 'approve'))), 'GONGCHE_ERR_FORM_STATE', 'a returned draft takes no opinion');

    // The unit corrects the reason and resubmits.
    const corrected = { ...filled, exempt: [{ plate: '新Q70002', reason: '用于涉密测绘任务，依据保密规定暂不安装' }] };
    expectStatus(await call(h, operator, 'PUT', `/api/rollout/forms/${form.id}`, corrected), 200);
    const resubmitted = expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    assert.equal(resubmitted.state, 'submitted');
    assert.equal(resubmitted.exempt[0].exemptReason, '用于涉密测绘任务，依据保密规定暂不安装');

    // Round 2 starts over: the preliminary opinion is needed again before the joint review.
    assert.equal(errorCode(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('bureau', 'approve'))), 'GONGCHE_ERR_REVIEW_OUT_OF_ORDER');
    const preliminary = expectStatus(await call(h, supervisor, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('preliminary', 'approve')), 201);
    assert.equal(preliminary.review.round, 2);
    assert.deepEqual(preliminary.pending, ['bureau', 'secrecy']);
    expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('bureau', 'approve')), 201);
    const last = expectStatus(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('secrecy', 'approve', { sealText: '（喀什地区保密局印章）' })), 201);
    assert.equal(last.state, 'reviewed');

    const reviews = expectStatus(await call(h, operator, 'GET', `/api/rollout/forms/${form.id}`), 200).reviews;
    assert.deepEqual(reviews.map((r: { round: number; stage: string; decision: string }) => `${r.round}:${r.stage}:${r.decision}`), ['1:preliminary:return', '2:preliminary:approve', '2:bureau:approve', '2:secrecy:approve']);
    assert.equal(reviews[0].comment, '暂不安装理由不充分，请补充');
    const letter = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/letter`), 201);
    assert.deepEqual(plates(letter.exempt), ['新Q70002']);
    assert.equal(letter.exempt[0].exemptReason, '用于涉密测绘任务，依据保密规定暂不安装');
  });

  test('secrecy return restarts the joint review', async () => {
    const unitId = await unitWithVehicles('喀什地区统计局', ['新Q70011']);
    const operator = await h.loginAs('unit_operator', { unitId });
    const form = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', { unitId, batchId, staffName: '李强', staffPhone: '13999993333', vehicleQuota: 1, actualCount: 1, exempt: [{ plate: '新Q70011', reason: '保密' }] }), 201);
    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    const returned = expectStatus(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('secrecy', 'return')), 201);
    assert.equal(returned.state, 'draft');
    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
    const pending = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('bureau', 'approve')), 201);
    assert.deepEqual(pending.pending, ['secrecy'], 'the secrecy opinion of round 1 does not count in round 2');
    assert.equal(pending.state, 'submitted');
  });
});

describe('partial rejection by plates', () => {
  let unitId: number;
  let formId: number;

  before(async () => {
    unitId = await unitWithVehicles('喀什地区国家安全局联络处', ['新Q70021', '新Q70022', '新Q70023', '新Q70024']);
    const body = {
      unitId, batchId, staffName: '周敏', staffPhone: '13999994444', vehicleQuota: 4, actualCount: 4,
      install: [{ plate: '新Q70021' }],
      exempt: [{ plate: '新Q70022', reason: '涉密' }, { plate: '新Q70023', reason: '涉密' }, { plate: '新Q70024', reason: '涉密' }],
    };
    const operator = await h.loginAs('unit_operator', { unitId });
    formId = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', body), 201).id;
    expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${formId}/submit`), 200);
  });

  test('plate not on the exempt list is rejected', async () => {
    for (const plate of ['新Q70021', '新Q79999']) {
      const response = await call(h, secrecy, 'POST', `/api/rollout/forms/${formId}/reviews`, opinion('secrecy', 'reject', { plates: [plate] }));
      assert.equal(errorCode(response), 'GONGCHE_ERR_REVIEW_UNKNOWN_VEHICLE', plate);
      assert.equal(response.json().error.value, plate);
    }
    assert.equal(expectStatus(await call(h, bureau, 'GET', `/api/rollout/forms/${formId}`), 200).reviews.length, 0, 'a rejected opinion is not stored');
  });

  test('only the named plates move to the install list', async () => {
    const rejected = expectStatus(await call(h, secrecy, 'POST', `/api/rollout/forms/${formId}/reviews`, opinion('secrecy', 'reject', { plates: ['新Q70023'], comment: '该车不属于涉密用车，应当安装' })), 201);
    assert.equal(rejected.review.rejectedVehicleIds.length, 1);
    const form = expectStatus(await call(h, bureau, 'GET', `/api/rollout/forms/${formId}`), 200);
    assert.deepEqual(plates(form.install), ['新Q70021', '新Q70023']);
    assert.deepEqual(plates(form.exempt), ['新Q70022', '新Q70024']);
    const moved = form.install.find((l: { plate: string }) => l.plate === '新Q70023');
    assert.equal(moved.rejectedByReviewId, rejected.review.id);
    assert.equal(form.install[0].rejectedByReviewId, null);

    const approved = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${formId}/reviews`, opinion('bureau', 'approve')), 201);
    assert.equal(approved.state, 'reviewed');
    const letter = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${formId}/letter`), 201);
    assert.deepEqual(plates(letter.install), ['新Q70021', '新Q70023']);
    assert.deepEqual(plates(letter.exempt), ['新Q70022', '新Q70024']);
    const orders = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId, batchId, plannedDate: '2022-06-10' }), 201);
    assert.equal(orders.created.length, 2, 'work orders follow the letter: the rejected exemption is installed');
  });

  test('exemption list shows the moved vehicle as rejected', async () => {
    const application = expectStatus(await call(h, secrecy, 'GET', `/api/rollout/exemptions/${formId}`), 200);
    assert.deepEqual(plates(application.exempt), ['新Q70022', '新Q70024']);
    assert.equal(application.install, undefined, 'the Secrecy Bureau does not see the install list');
    assert.deepEqual(application.reviews.map((r: { decision: string }) => r.decision), ['reject', 'approve']);
  });
});
