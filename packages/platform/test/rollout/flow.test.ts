import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { RawTerminal } from '../helpers/gateway-harness.ts';
import { attachTestKeyring } from '../helpers/keyring.ts';
import { position } from '../helpers/positions.ts';
import { defaultConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startGateway, type Gateway } from '../../src/gateway/server.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';
import { batchBodies, call, expectStatus } from './rollout-harness.ts';

let h: Harness;
let gateway: Gateway;
const control: GatewayControl = { isOnline: (id) => gateway?.isOnline(id) ?? false, confirmAlarm: async (...args) => gateway.confirmAlarm(...args) };

before(async () => {
  h = await startHarness(control);
  attachTestKeyring(h.store);
  const config = defaultConfig({ dataDir: path.dirname(h.store.file), jt808Host: '127.0.0.1', jt808Port: 0 });
  gateway = await startGateway({ store: h.store, config, logger: createLogger({ level: 'silent' }) });
});
after(async () => {
  await gateway.close();
  await h.close();
});

async function docxText(content: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(content);
  return zip.file('word/document.xml')!.async('string');
}

/** Connects a terminal over TCP, registers, authenticates and reports valid fixes with ACC on, then off. */
async function runTerminal(phone: string, plate: string): Promise<void> {
  const terminal = await RawTerminal.connect(gateway.port, phone);
  try {
    await terminal.login(plate);
    const start = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    for (const [i, acc] of [true, true, false].entries()) {
      const serial = terminal.send({ messageId: 0x0200, body: position({ time: new Date(start + i * 10_000), acc }) });
      assert.equal(await terminal.ack(serial), 0);
    }
  } finally {
    terminal.close();
  }
}

test('rollout from an empty database to a published bulletin', async () => {
  const bureau = await h.loginAs('bureau_admin');

  // Registry: a supervising department, its subordinate unit and a batch-2 unit.
  const unitBody = (name: string, code: string, extra: object = {}) => ({ name, level: '正处级', nature: '党的机关', organisationCode: code, address: '喀什市迎宾大道126号', vehicleQuota: 6, actualCount: 4, ...extra });
  const office = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody('中共喀什地委办公室', '11653100000073007L')), 201);
  const unit = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody('喀什地区发展和改革委员会', '11653100000073082D', { supervisingUnitId: office.id })), 201);
  const police = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody('喀什地区公安局', '11653100000073170U', { category: 'public_security' })), 201);
  const badCode = await call(h, bureau, 'POST', '/api/units', unitBody('喀什地区测试局', '11653100000073082E'));
  assert.equal(badCode.statusCode, 400);
  assert.match(badCode.body, /check character/);

  const vehicle = async (unitId: number, plate: string, usageNature = '一般公务用车', leaderRank?: string) =>
    expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId, plate, brandModel: '丰田凯美瑞', vehicleType: '轿车', usageNature, ...(leaderRank && { leaderRank }) }), 201);
  const general1 = await vehicle(unit.id, '新Q10001');
  const general2 = await vehicle(unit.id, '新Q10002');
  const secret = await vehicle(unit.id, '新Q10003', '执法执勤用车');
  const leader = await vehicle(unit.id, '新Q10004', '领导保障用车', '正处级');
  await vehicle(police.id, '新Q20001');

  // Batches and scope: the leadership vehicle goes to batch 2 with the police unit.
  const batch1 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201);
  const batch2 = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.second), 201);
  const scope1 = expectStatus(await call(h, bureau, 'GET', `/api/rollout/batches/${batch1.id}/scope`), 200);
  assert.deepEqual(scope1.units.find((u: { unitId: number }) => u.unitId === unit.id).vehicleIds, [general1.id, general2.id, secret.id]);
  const scope2 = expectStatus(await call(h, bureau, 'GET', `/api/rollout/batches/${batch2.id}/scope`), 200);
  assert.deepEqual(scope2.units.map((u: { unitId: number }) => u.unitId), [unit.id, police.id]);

  // The unit's operator files the form; incomplete submissions are rejected with the reason.
  const operator = await h.loginAs('unit_operator', { unitId: unit.id });
  const formBody = { staffName: '张伟', staffPhone: '13912345678', vehicleQuota: 6, actualCount: 4, filledOn: '2022-05-09', install: [{ plate: '新Q10001' }], exempt: [{ plate: '新Q10003', reason: '涉及国家安全保密要求' }] };
  const form = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', { unitId: unit.id, batchId: batch1.id, ...formBody }), 201);
  const missing = await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`);
  assert.equal(errorCode(missing), 'GONGCHE_ERR_FORM_VEHICLE_MISSING');
  assert.match(missing.body, /新Q10002/);
  expectStatus(await call(h, operator, 'PUT', `/api/rollout/forms/${form.id}`, { ...formBody, actualCount: 3, install: [{ plate: '新Q10001' }, { plate: '新Q10002' }] }), 200);
  assert.equal(errorCode(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`)), 'GONGCHE_ERR_FORM_COUNT_MISMATCH');
  expectStatus(await call(h, operator, 'PUT', `/api/rollout/forms/${form.id}`, { ...formBody, install: [{ plate: '新Q10001' }, { plate: '新Q10002' }] }), 200);
  assert.equal(expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200).state, 'submitted');

  // Reviews: out of order and wrong role are refused; then preliminary, secrecy and bureau opinions.
  const supervisor = await h.loginAs('unit_supervisor', { unitId: office.id });
  const secrecy = await h.loginAs('secrecy_reviewer');
  const opinion = (stage: string, decision: string, extra: object = {}) => ({ stage, decision, comment: '经审核，情况属实', sealText: '（单位印章）', ...extra });
  assert.equal(errorCode(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('bureau', 'approve'))), 'GONGCHE_ERR_REVIEW_OUT_OF_ORDER');
  assert.equal(errorCode(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('preliminary', 'approve'))), 'GONGCHE_ERR_FORBIDDEN');
  expectStatus(await call(h, supervisor, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('preliminary', 'approve')), 201);
  const exemptions = expectStatus(await call(h, secrecy, 'GET', '/api/rollout/exemptions'), 200);
  assert.deepEqual(exemptions.items[0].exempt.map((l: { plate: string }) => l.plate), ['新Q10003']);
  assert.equal(exemptions.items[0].install, undefined);
  expectStatus(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('secrecy', 'approve', { sealText: '（喀什地区保密局印章）' })), 201);
  const last = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, opinion('bureau', 'approve')), 201);
  assert.equal(last.state, 'reviewed');

  // Reply letter, downloadable as DOCX and PDF.
  const letter = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/letter`), 201);
  assert.match(letter.documentNumber, /^喀地机管函〔\d{4}〕1号$/);
  assert.deepEqual(letter.install.map((v: { plate: string }) => v.plate), ['新Q10001', '新Q10002']);
  const letterXml = await docxText((await call(h, operator, 'GET', `/api/rollout/letters/${letter.id}/file.docx`)).rawPayload);
  for (const text of ['喀什地区机关事务管理局', letter.documentNumber, '新Q10001', '新Q10002', '新Q10003', '涉及国家安全保密要求']) assert.ok(letterXml.includes(text), `letter lacks ${text}`);
  const pdf = await call(h, operator, 'GET', `/api/rollout/letters/${letter.id}/file.pdf`);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

  // Registration form export opens back with the right rows.
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await call(h, operator, 'GET', `/api/rollout/forms/${form.id}/registration/file.xlsx`)).rawPayload as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.worksheets[0]!.eachRow((row) => row.eachCell((cell) => cells.push(cell.text)));
  for (const text of ['新Q10001', '新Q10002', '新Q10003', '填表说明：1.品牌型号填写车辆中文名称，如：大众帕萨特、丰田普拉多等；']) assert.ok(cells.includes(text), `form export lacks ${text}`);

  // Installation contract with its scanned file.
  const scan = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1000, 0x20)]);
  const contract = expectStatus(await call(h, operator, 'POST', '/api/rollout/contracts', { kind: 'installation', unitId: unit.id, number: 'KS-AZ-2022-009', signedOn: '2022-05-25', counterparty: '中国移动喀什分公司', fileName: '安装合同.pdf', contentBase64: scan.toString('base64') }), 201);
  assert.ok((await call(h, operator, 'GET', `/api/rollout/contracts/${contract.id}/file`)).rawPayload.equals(scan));

  // Work orders: the installer binds terminals that then register and report over TCP.
  const orders = expectStatus(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.id, batchId: batch1.id, plannedDate: '2022-06-01' }), 201);
  assert.equal(orders.created.length, 2);
  const installer = await h.loginAs('installer');
  const phones = ['013911110001', '013911110002'];
  for (const [i, id] of orders.created.entries()) {
    const binding = { phone: phones[i], terminalId: `T${i}`, imei: `86123456789012${i}`, iccid: `8986001234567890123${i}`, manufacturerId: 'GC001', terminalModel: 'GC-T1' };
    expectStatus(await call(h, installer, 'PUT', `/api/rollout/work-orders/${id}/terminal`, binding), 200);
  }
  const open = expectStatus(await call(h, installer, 'GET', `/api/rollout/work-orders/${orders.created[0]}`), 200);
  assert.equal(open.state, 'open');
  assert.ok(open.check.missing.includes('terminal has not registered (0x0100)'));
  assert.equal(errorCode(await call(h, bureau, 'POST', '/api/rollout/acceptance', { unitId: unit.id, batchId: batch1.id, remarks: '现场检查' })), 'GONGCHE_ERR_ACCEPTANCE_INCOMPLETE');
  await runTerminal(phones[0]!, '新Q10001');
  await runTerminal(phones[1]!, '新Q10002');
  const listed = expectStatus(await call(h, installer, 'GET', '/api/rollout/work-orders'), 200);
  assert.deepEqual(listed.items.map((o: { state: string }) => o.state), ['completed', 'completed']);

  // Acceptance and the bulletin.
  const accepted = expectStatus(await call(h, bureau, 'POST', '/api/rollout/acceptance', { unitId: unit.id, batchId: batch1.id, remarks: '应装尽装，运行正常' }), 201);
  assert.equal(accepted.checklist.passed, true);
  const securityTest = { unitId: unit.id, batchId: batch1.id, testedOn: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10), result: 'passed', remarks: '数据加密存储与审计日志检查通过' };
  expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', securityTest), 201);
  const bulletin = expectStatus(await call(h, bureau, 'POST', `/api/rollout/batches/${batch1.id}/bulletins`), 201);
  const row = bulletin.rows.find((r: { unitId: number }) => r.unitId === unit.id);
  assert.deepEqual({ shouldEquip: row.shouldEquip, installed: row.installed, accepted: row.accepted, exempt: row.exempt, missing: row.missing, dataSecurityTest: row.dataSecurityTest }, { shouldEquip: 2, installed: 2, accepted: true, exempt: 1, missing: 0, dataSecurityTest: 'passed' });
  assert.deepEqual(row.overduePhases, [], 'every phase of the unit is done');
  const officeRow = bulletin.rows.find((r: { unitId: number }) => r.unitId === office.id);
  assert.ok(officeRow.overduePhases.includes('registration'), 'a unit that never filed is overdue for registration');

  const bulletinBook = new ExcelJS.Workbook();
  await bulletinBook.xlsx.load((await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}/file.xlsx`)).rawPayload as unknown as ArrayBuffer);
  const sheet = bulletinBook.worksheets[0]!;
  const unitRow = sheet.getRows(1, sheet.rowCount)!.find((r) => r.getCell(2).text === '喀什地区发展和改革委员会')!;
  assert.deepEqual([3, 4, 5, 6, 7].map((c) => unitRow.getCell(c).text), ['2', '2', '是', '1', '0']);
  const bulletinXml = await docxText((await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}/file.docx`)).rawPayload);
  assert.ok(bulletinXml.includes('喀什地区发展和改革委员会') && bulletinXml.includes('生成时间'));

  const actions = (h.store.sqlite.prepare('SELECT action FROM audit_log').all() as { action: string }[]).map((r) => r.action);
  for (const action of ['form.created', 'form.submitted', 'review.recorded', 'letter.issued', 'contract.recorded', 'work_order.created', 'work_order.completed', 'acceptance.signed', 'security_test.recorded', 'bulletin.published']) {
    assert.ok(actions.includes(action), `audit log lacks ${action}`);
  }
});
