import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';
import type { Role } from '../../src/security/users.ts';
import { alertDraft, insertAlert, multipartFile, openLive, samplePdf, startAlertHarness, type AlertHarness } from './harness.ts';

let h: AlertHarness;
type Fleet = Awaited<ReturnType<typeof insertFleetVehicle>>;
let own: Fleet;
let child: Fleet;
let other: Fleet;
const tokens = new Map<string, string>();

const roles: Role[] = ['bureau_admin', 'inspector', 'unit_supervisor', 'unit_operator', 'installer', 'secrecy_reviewer', 'sys_admin', 'security_admin', 'auditor'];

before(async () => {
  h = await startAlertHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区核查测试单位', '新Q50001', '013950000001');
  child = await insertFleetVehicle(h.store.db, '喀什地区核查测试下属单位', '新Q50002', '013950000002');
  other = await insertFleetVehicle(h.store.db, '喀什地区核查测试无关单位', '新Q50003', '013950000003');
  await h.store.db.updateTable('units').set({ supervising_unit_id: own.unitId }).where('id', '=', child.unitId).execute();
  for (const role of roles) {
    const unitId = role === 'unit_supervisor' || role === 'unit_operator' ? own.unitId : undefined;
    tokens.set(role, await h.loginAs(role, unitId === undefined ? {} : { unitId }));
  }
  tokens.set('child_operator', await h.loginAs('unit_operator', { unitId: child.unitId }));
  tokens.set('other_operator', await h.loginAs('unit_operator', { unitId: other.unitId }));
});
after(async () => h.close());

const post = (who: string, url: string, payload: object) => h.app.inject({ method: 'POST', url, headers: bearer(tokens.get(who)!), payload });
const get = (who: string, url: string) => h.app.inject({ method: 'GET', url, headers: bearer(tokens.get(who)!) });
const stateOf = async (id: number) => (await h.store.db.selectFrom('alerts').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

describe('who may explain', () => {
  // Expected status per role of explaining a pending alert of the unit of unit_supervisor and unit_operator.
  const expected: Record<Role, number> = {
    bureau_admin: 403,
    inspector: 403,
    unit_supervisor: 200,
    unit_operator: 200,
    installer: 403,
    secrecy_reviewer: 403,
    sys_admin: 403,
    security_admin: 403,
    auditor: 403,
  };
  for (const role of roles) {
    test(`explain as ${role} gets ${expected[role]}`, async () => {
      const id = await insertAlert(h.store, alertDraft(own));
      const response = await post(role, `/api/alerts/${id}/explain`, { text: '车辆当晚执行接待任务，已补办派车单。' });
      assert.equal(response.statusCode, expected[role], response.body);
      assert.equal(await stateOf(id), expected[role] === 200 ? 'explained' : 'pending');
      if (response.statusCode === 403) assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
    });
  }

  test('operator of other unit gets 404', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    const response = await post('other_operator', `/api/alerts/${id}/explain`, { text: '说明' });
    assert.equal(response.statusCode, 404);
    assert.equal(errorCode(response), 'GONGCHE_ERR_NOT_FOUND');
    assert.equal(await stateOf(id), 'pending');
  });

  test('supervisor cannot explain subordinate alert', async () => {
    const id = await insertAlert(h.store, alertDraft(child));
    const seen = await get('unit_supervisor', `/api/alerts/${id}`);
    assert.equal(seen.statusCode, 200, 'the supervising unit reads its subordinate unit\'s alert');
    const response = await post('unit_supervisor', `/api/alerts/${id}/explain`, { text: '说明' });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error.message, new RegExp(`staff of unit ${child.unitId}`));
    const byChild = await post('child_operator', `/api/alerts/${id}/explain`, { text: '下属单位的说明' });
    assert.equal(byChild.statusCode, 200, byChild.body);
  });
});

describe('who may decide', () => {
  for (const action of ['confirm', 'dismiss'] as const) {
    for (const role of roles) {
      const allowed = role === 'bureau_admin';
      test(`${action} as ${role} gets ${allowed ? 200 : 403}`, async () => {
        const id = await insertAlert(h.store, alertDraft(own));
        const response = await post(role, `/api/alerts/${id}/${action}`, action === 'dismiss' ? { reason: '经核实为公务接待，有派车单。' } : { text: '查实' });
        assert.equal(response.statusCode, allowed ? 200 : 403, response.body);
        const decided = action === 'confirm' ? 'confirmed' : 'dismissed';
        assert.equal(await stateOf(id), allowed ? decided : 'pending');
      });
    }
  }
});

describe('review path', () => {
  test('explain, confirm, rectify records each step', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    const upload = multipartFile('情况说明.pdf', 'application/pdf', samplePdf);
    const uploaded = await h.app.inject({ method: 'POST', url: `/api/alerts/${id}/attachments`, headers: { ...bearer(tokens.get('unit_operator')!), ...upload.headers }, payload: upload.payload });
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    const attachmentId = uploaded.json().id as number;

    const explained = await post('unit_operator', `/api/alerts/${id}/explain`, { text: '  当晚送医，已附病历。  ', attachmentId });
    assert.equal(explained.statusCode, 200, explained.body);
    assert.equal(explained.json().state, 'explained');

    const confirmed = await post('bureau_admin', `/api/alerts/${id}/confirm`, { text: '病历日期不符，认定违规。' });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.equal(confirmed.json().state, 'confirmed');

    const rectify = multipartFile('整改报告.pdf', 'application/pdf', samplePdf);
    const rectifyUpload = await h.app.inject({ method: 'POST', url: `/api/alerts/${id}/attachments`, headers: { ...bearer(tokens.get('unit_supervisor')!), ...rectify.headers }, payload: rectify.payload });
    assert.equal(rectifyUpload.statusCode, 201, rectifyUpload.body);
    const rectified = await post('unit_supervisor', `/api/alerts/${id}/rectify`, { text: '已对驾驶员批评教育并收回车钥匙。', attachmentId: rectifyUpload.json().id });
    assert.equal(rectified.statusCode, 200, rectified.body);

    const body = rectified.json();
    assert.equal(body.state, 'rectified');
    assert.deepEqual(body.transitions.map((t: { from: string; to: string }) => `${t.from}>${t.to}`), ['pending>explained', 'explained>confirmed', 'confirmed>rectified']);
    assert.deepEqual(body.transitions.map((t: { actor: { role: string } }) => t.actor.role), ['unit_operator', 'bureau_admin', 'unit_supervisor']);
    assert.equal(body.transitions[0].text, '当晚送医，已附病历。', 'the text is stored trimmed');
    assert.equal(body.transitions[0].attachmentId, attachmentId);
    assert.equal(body.transitions[1].attachmentId, null);
    assert.equal(body.attachments.length, 2);
    for (const step of body.transitions) assert.ok(Date.parse(step.at) > Date.now() - 60_000, 'each step records when');

    const audit = await h.store.db.selectFrom('audit_log').select(['action', 'actor_role']).where('object_type', '=', 'alert').where('object_id', '=', String(id)).orderBy('seq').execute();
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ['alert.attachment_uploaded', 'alert.explained', 'alert.confirmed', 'alert.attachment_uploaded', 'alert.rectified'],
    );
  });

  test('bureau dismisses straight from pending', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    const response = await post('bureau_admin', `/api/alerts/${id}/dismiss`, { reason: '定位漂移，车辆实际停在单位院内。' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().transitions[0].text, '定位漂移，车辆实际停在单位院内。');
  });

  test('dismissal without reason is rejected', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    for (const payload of [{}, { reason: '' }, { reason: '   \n ' }]) {
      const response = await post('bureau_admin', `/api/alerts/${id}/dismiss`, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
      assert.match(response.body, /reason/);
    }
    assert.equal(await stateOf(id), 'pending');
  });

  test('explanation and rectification need text', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    const empty = await post('unit_operator', `/api/alerts/${id}/explain`, { text: ' ' });
    assert.equal(empty.statusCode, 400);
    const tooLong = await post('unit_operator', `/api/alerts/${id}/explain`, { text: '长'.repeat(2001) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.json().error.message, /at most 2000 characters, got 2001/);
    await post('bureau_admin', `/api/alerts/${id}/confirm`, {});
    const noText = await post('unit_operator', `/api/alerts/${id}/rectify`, { text: '' });
    assert.equal(noText.statusCode, 400);
    assert.equal(await stateOf(id), 'confirmed');
  });

  test('confirmation needs no comment', async () => {
    const id = await insertAlert(h.store, alertDraft(own));
    const response = await post('bureau_admin', `/api/alerts/${id}/confirm`, {});
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().transitions[0].text, '');
  });
});

describe('invalid transitions', () => {
  const cases: { name: string; setup: string[]; who: string; action: string; payload: object; code: string }[] = [
    { name: 'rectify while pending', setup: [], who: 'unit_operator', action: 'rectify', payload: { text: '整改' }, code: 'GONGCHE_ERR_ALERT_PENDING' },
    { name: 'explain twice', setup: ['explain'], who: 'unit_operator', action: 'explain', payload: { text: '再次说明' }, code: 'GONGCHE_ERR_ALERT_EXPLAINED' },
    { name: 'rectify after explain', setup: ['explain'], who: 'unit_operator', action: 'rectify', payload: { text: '整改' }, code: 'GONGCHE_ERR_ALERT_EXPLAINED' },
    { name: 'explain after confirm', setup: ['confirm'], who: 'unit_operator', action: 'explain', payload: { text: '说明' }, code: 'GONGCHE_ERR_ALERT_CONFIRMED' },
    { name: 'dismiss after confirm', setup: ['confirm'], who: 'bureau_admin', action: 'dismiss', payload: { reason: '改判' }, code: 'GONGCHE_ERR_ALERT_CONFIRMED' },
    { name: 'confirm after dismiss', setup: ['dismiss'], who: 'bureau_admin', action: 'confirm', payload: {}, code: 'GONGCHE_ERR_ALERT_DISMISSED' },
    { name: 'rectify after dismiss', setup: ['dismiss'], who: 'unit_operator', action: 'rectify', payload: { text: '整改' }, code: 'GONGCHE_ERR_ALERT_DISMISSED' },
    { name: 'confirm after rectify', setup: ['confirm', 'rectify'], who: 'bureau_admin', action: 'confirm', payload: {}, code: 'GONGCHE_ERR_ALERT_RECTIFIED' },
    { name: 'rectify twice', setup: ['confirm', 'rectify'], who: 'unit_operator', action: 'rectify', payload: { text: '再整改' }, code: 'GONGCHE_ERR_ALERT_RECTIFIED' },
  ];
  const setupStep: Record<string, [string, object]> = {
    explain: ['unit_operator', { text: '说明' }],
    confirm: ['bureau_admin', {}],
    dismiss: ['bureau_admin', { reason: '误报' }],
    rectify: ['unit_operator', { text: '已整改' }],
  };
  for (const c of cases) {
    test(`${c.name} gets 409`, async () => {
      const id = await insertAlert(h.store, alertDraft(own));
      for (const step of c.setup) {
        const [who, payload] = setupStep[step]!;
        assert.equal((await post(who, `/api/alerts/${id}/${step}`, payload)).statusCode, 200);
      }
      const before = await stateOf(id);
      const response = await post(c.who, `/api/alerts/${id}/${c.action}`, c.payload);
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(errorCode(response), c.code);
      assert.equal(response.json().error.value, before);
      assert.equal(await stateOf(id), before);
    });
  }

  test('attachment of another alert is rejected', async () => {
    const first = await insertAlert(h.store, alertDraft(own));
    const second = await insertAlert(h.store, alertDraft(own));
    const upload = multipartFile('说明.pdf', 'application/pdf', samplePdf);
    const uploaded = await h.app.inject({ method: 'POST', url: `/api/alerts/${first}/attachments`, headers: { ...bearer(tokens.get('unit_operator')!), ...upload.headers }, payload: upload.payload });
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    const response = await post('unit_operator', `/api/alerts/${second}/explain`, { text: '说明', attachmentId: uploaded.json().id });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().error.message, /does not belong to alert/);
    assert.equal(await stateOf(second), 'pending');
  });

  test('unknown alert gets 404', async () => {
    const response = await post('bureau_admin', '/api/alerts/999999/confirm', {});
    assert.equal(response.statusCode, 404);
  });
});

describe('review push', () => {
  test('step is pushed as alert.updated', async () => {
    const client = await openLive(h.baseUrl, bearer(tokens.get('unit_operator')!));
    try {
      await client.waitFor((m) => m.type === 'hello');
      const id = await insertAlert(h.store, alertDraft(own));
      assert.equal((await post('bureau_admin', `/api/alerts/${id}/confirm`, {})).statusCode, 200);
      const message = await client.waitFor((m) => m.type === 'alert.updated' && (m.alert as { id: number }).id === id);
      assert.equal((message.alert as { state: string }).state, 'confirmed');
    } finally {
      await client.close();
    }
  });
});
