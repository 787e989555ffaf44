import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { beijingDate } from '../../src/rollout/batches.ts';
import { installationHeaders } from '../../src/rollout/exports/bulletin-files.ts';
import { batchBodies, call, expectStatus, nextCreditCode, seedAcceptance, seedInstalled, seedLetteredUnit, type SeededUnit } from './rollout-harness.ts';

let h: Harness;
let bureau: string;
let bureauId: number;
let batchId: number;
let unit: SeededUnit;
let other: SeededUnit;
let operator: string;

const day = 24 * 3600_000;
const dateIn = (days: number) => beijingDate(Date.now() + days * day);
const record = (extra: object = {}) => ({ unitId: unit.unitId, batchId, testedOn: dateIn(-3), result: 'passed', remarks: '终端数据加密存储、审计日志完整，运行正常', ...extra });

/** Returns the unit's data_security phase from the progress route. */
async function securityPhase(token = bureau): Promise<{ state: string; dueDate: string; doneAt: string | null }> {
  const items = expectStatus(await call(h, token, 'GET', `/api/rollout/batches/${batchId}/progress`), 200).items;
  return items.find((i: { unitId: number }) => i.unitId === unit.unitId).phases.find((p: { phase: string }) => p.phase === 'data_security');
}

async function overduePhases(): Promise<string[]> {
  const items = expectStatus(await call(h, bureau, 'GET', `/api/rollout/overdue?batchId=${batchId}`), 200).items;
  return items.filter((r: { unitId: number }) => r.unitId === unit.unitId).map((r: { phase: string }) => r.phase);
}

// The batch's data_security deadline (2022-12-31) has passed, so an untested unit is overdue.
before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin', { username: 'bureau-tester' });
  bureauId = (h.store.sqlite.prepare("SELECT id FROM users WHERE username = 'bureau-tester'").get() as { id: number }).id;
  batchId = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201).id;
  unit = await seedLetteredUnit(h, bureau, batchId, '喀什地区文化体育广播电视和旅游局', ['新Q90001']);
  await seedInstalled(h, bureau, unit, batchId, 1);
  other = await seedLetteredUnit(h, bureau, batchId, '喀什地区民政局', ['新Q90011']);
  operator = await h.loginAs('unit_operator', { unitId: unit.unitId });
});
after(async () => h.close());

describe('recording a data-security test', () => {
  test('is rejected before the acceptance', async () => {
    const response = await call(h, bureau, 'POST', '/api/rollout/security-tests', record());
    assert.equal(response.statusCode, 409);
    assert.equal(errorCode(response), 'GONGCHE_ERR_ACCEPTANCE_MISSING');
    assert.equal(response.json().error.value, unit.unitId);
  });

  test('is rejected for a unit outside the batch', async () => {
    const policeBody = { name: '喀什地区公安局', category: 'public_security', level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市' };
    const policeId = expectStatus(await call(h, bureau, 'POST', '/api/units', policeBody), 201).id;
    const response = await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ unitId: policeId }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_UNIT_NOT_IN_BATCH');
  });

  test('is rejected with a future date', async () => {
    seedAcceptance(h, unit.unitId, batchId, bureauId);
    const response = await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ testedOn: dateIn(2) }));
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.equal(response.json().error.value, dateIn(2));
  });

  const bad: [string, object][] = [
    ['unknown result', { result: 'ok' }],
    ['missing remarks', { remarks: '' }],
    ['impossible date', { testedOn: '2022-12-32' }],
    ['unknown batch', { batchId: 999 }],
  ];
  for (const [name, extra] of bad) {
    test(`is rejected with ${name}`, async () => {
      const response = await call(h, bureau, 'POST', '/api/rollout/security-tests', record(extra));
      assert.equal(response.statusCode, name === 'unknown batch' ? 404 : 400);
    });
  }

  test('is refused to every role but the bureau', async () => {
    for (const role of ['unit_operator', 'unit_supervisor', 'secrecy_reviewer', 'installer', 'inspector'] as const) {
      const token = await h.loginAs(role, role.startsWith('unit_') ? { unitId: unit.unitId } : {});
      assert.equal((await call(h, token, 'POST', '/api/rollout/security-tests', record())).statusCode, 403, role);
    }
  });
});

describe('data-security phase', () => {
  test('accepted unit without a test is overdue', async () => {
    const phase = await securityPhase();
    assert.equal(phase.state, 'overdue');
    assert.equal(phase.dueDate, '2022-12-31');
    assert.ok((await overduePhases()).includes('data_security'));
  });

  test('failed test leaves the phase overdue', async () => {
    const failed = expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ testedOn: dateIn(-5), result: 'failed', remarks: '审计日志缺失，整改后复测' })), 201);
    assert.equal(failed.result, 'failed');
    assert.equal(failed.recordedBy, bureauId);
    assert.equal(failed.recordedByName, 'bureau-tester');
    assert.equal((await securityPhase()).state, 'overdue');
  });

  test('passed retest completes the phase', async () => {
    const passed = expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', record()), 201);
    const phase = await securityPhase();
    assert.equal(phase.state, 'done');
    assert.equal(phase.doneAt, new Date(Date.parse(`${passed.testedOn}T00:00:00+08:00`)).toISOString());
    assert.ok(!(await overduePhases()).includes('data_security'));
    const audit = h.store.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'security_test.recorded' ORDER BY seq DESC LIMIT 1").get() as { detail: string };
    assert.deepEqual(JSON.parse(audit.detail), { batchId, result: 'passed', testedOn: passed.testedOn, unitId: unit.unitId });
  });

  test('late entry of an older failure keeps the later pass', async () => {
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ testedOn: dateIn(-10), result: 'failed', remarks: '首次测试未通过' })), 201);
    assert.equal((await securityPhase()).state, 'done');
  });

  test('failure after the pass reopens the phase', async () => {
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ testedOn: dateIn(0), result: 'failed', remarks: '复查发现数据未加密' })), 201);
    assert.equal((await securityPhase()).state, 'overdue');
    expectStatus(await call(h, bureau, 'POST', '/api/rollout/security-tests', record({ testedOn: dateIn(0), result: 'passed', remarks: '整改后复测通过' })), 201);
    assert.equal((await securityPhase()).state, 'done', 'of two tests on one day the later recorded counts');
  });

  test('bulletin shows the latest result per unit', async () => {
    const bulletin = expectStatus(await call(h, bureau, 'POST', `/api/rollout/batches/${batchId}/bulletins`), 201);
    const row = bulletin.rows.find((r: { unitId: number }) => r.unitId === unit.unitId);
    assert.equal(row.dataSecurityTest, 'passed');
    assert.ok(!row.overduePhases.includes('data_security'));
    const untested = bulletin.rows.find((r: { unitId: number }) => r.unitId === other.unitId);
    assert.equal(untested.dataSecurityTest, null);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}/file.xlsx`)).rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const column = installationHeaders.indexOf('数据安全及运行测试') + 1;
    assert.equal(sheet.getRow(3).getCell(column).text, '数据安全及运行测试');
    const cell = (name: string) => sheet.getRows(4, sheet.rowCount - 3)!.find((r) => r.getCell(2).text === name)!.getCell(column).text;
    assert.equal(cell('喀什地区文化体育广播电视和旅游局'), '通过');
    assert.equal(cell('喀什地区民政局'), '未测试');
  });
});

describe('listing data-security tests', () => {
  test('unit operator sees its own unit only', async () => {
    const own = expectStatus(await call(h, operator, 'GET', `/api/rollout/security-tests?batchId=${batchId}`), 200).items;
    assert.equal(own.length, 5);
    assert.ok(own.every((t: { unitId: number }) => t.unitId === unit.unitId));
    const stranger = await h.loginAs('unit_operator', { unitId: other.unitId });
    assert.deepEqual(expectStatus(await call(h, stranger, 'GET', '/api/rollout/security-tests'), 200).items, []);
  });

  test('installer and secrecy reviewer may not list them', async () => {
    for (const role of ['installer', 'secrecy_reviewer'] as const) {
      const token = await h.loginAs(role);
      assert.equal((await call(h, token, 'GET', '/api/rollout/security-tests')).statusCode, 403, role);
    }
  });
});
