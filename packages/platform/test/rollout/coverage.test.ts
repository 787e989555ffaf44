import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../api/harness.ts';
import { RawTerminal } from '../helpers/gateway-harness.ts';
import { attachTestKeyring } from '../helpers/keyring.ts';
import { position } from '../helpers/positions.ts';
import { defaultConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startGateway, type Gateway } from '../../src/gateway/server.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';
import type { CoverageRow } from '../../src/rollout/coverage.ts';
import { batchBodies, call, expectStatus, nextCreditCode } from './rollout-harness.ts';

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

/** Connects a terminal over TCP, registers, authenticates and sends three positions, with or without a GNSS fix. */
async function report(phone: string, plate: string, fixed: boolean): Promise<void> {
  const terminal = await RawTerminal.connect(gateway.port, phone);
  try {
    await terminal.login(plate);
    const start = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    for (const [i, acc] of [true, true, false].entries()) {
      const serial = terminal.send({ messageId: 0x0200, body: position({ time: new Date(start + i * 10_000), acc, fixed }) });
      assert.equal(await terminal.ack(serial), 0);
    }
  } finally {
    terminal.close();
  }
}

/**
 * One unit covers every case: A reports valid fixes, B reports without a fix, C has no terminal,
 * D is disposed, E has an approved exemption, and F got the terminal that reported while bound to G.
 */
test('coverage counts bound terminals with a valid position', async () => {
  const bureau = await h.loginAs('bureau_admin');
  const batch = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201);
  const unitBody = (name: string, count: number) => ({ name, level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市人民东路1号', vehicleQuota: count, actualCount: count });
  const unit = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody('喀什地区审计局', 7)), 201);
  const other = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody('喀什地区统计局', 1)), 201);
  const plates = { a: '新Q30001', b: '新Q30002', c: '新Q30003', d: '新Q30004', e: '新Q30005', f: '新Q30006', g: '新Q30007' };
  const ids: Record<string, number> = {};
  for (const [key, plate] of Object.entries(plates)) {
    ids[key] = expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId: unit.id, plate, brandModel: '丰田卡罗拉', vehicleType: '轿车', usageNature: '一般公务用车' }), 201).id;
  }
  expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId: other.id, plate: '新Q39001', brandModel: '丰田卡罗拉', vehicleType: '轿车', usageNature: '一般公务用车' }), 201);

  // The approved exemption comes from the reply letter after the joint review.
  const operator = await h.loginAs('unit_operator', { unitId: unit.id });
  const install = ['a', 'b', 'c', 'd', 'f', 'g'].map((key) => ({ plate: plates[key as keyof typeof plates] }));
  const form = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', { unitId: unit.id, batchId: batch.id, staffName: '王磊', staffPhone: '13999990000', vehicleQuota: 7, actualCount: 7, install, exempt: [{ plate: plates.e, reason: '涉及国家安全保密要求' }] }), 201);
  expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${form.id}/submit`), 200);
  const secrecy = await h.loginAs('secrecy_reviewer');
  expectStatus(await call(h, secrecy, 'POST', `/api/rollout/forms/${form.id}/reviews`, { stage: 'secrecy', decision: 'approve', comment: '同意暂不安装', sealText: '（喀什地区保密局印章）' }), 201);
  expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, { stage: 'bureau', decision: 'approve', comment: '同意', sealText: '（喀什地区机关事务管理局印章）' }), 201);
  expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${form.id}/letter`), 201);
  expectStatus(await call(h, bureau, 'PATCH', `/api/vehicles/${ids.d}`, { status: 'disposed' }), 200);

  // Terminals bound in the registry, outside any work order, as the demo fleet's are.
  const bind = async (phone: string, vehicleId: number) => expectStatus(await call(h, bureau, 'POST', '/api/terminals', { phone, vehicleId }), 201).id as number;
  await bind('013930000001', ids.a!);
  await bind('013930000002', ids.b!);
  await bind('013930000004', ids.d!);
  const moved = await bind('013930000007', ids.g!);
  await report('013930000001', plates.a, true);
  await report('013930000002', plates.b, false);
  await report('013930000004', plates.d, true);
  await report('013930000007', plates.g, true);
  expectStatus(await call(h, bureau, 'PATCH', `/api/terminals/${moved}`, { vehicleId: ids.f }), 200);

  const coverage = expectStatus<{ rows: CoverageRow[] }>(await call(h, bureau, 'GET', '/api/rollout/coverage'), 200);
  const row = coverage.rows.find((r) => r.unitId === unit.id);
  assert.ok(row, 'the unit has a coverage row');
  assert.equal(row.inService, 6, 'the disposed vehicle D does not count');
  assert.equal(row.exempt, 1);
  assert.equal(row.shouldEquip, 5);
  assert.equal(row.installed, 1, 'only A has a valid position from its bound terminal');
  assert.equal(row.awaitingPosition, 2, 'B sent no fix and F has not reported since its terminal moved');
  assert.equal(row.noTerminal, 2, 'C never had a terminal and G lost its');
  assert.equal(row.rate, 0.2);
  const otherRow = coverage.rows.find((r) => r.unitId === other.id);
  assert.deepEqual(otherRow && { shouldEquip: otherRow.shouldEquip, installed: otherRow.installed, rate: otherRow.rate }, { shouldEquip: 1, installed: 0, rate: 0 });

  // A unit operator receives only its own unit.
  const scoped = expectStatus<{ rows: CoverageRow[] }>(await call(h, operator, 'GET', '/api/rollout/coverage'), 200);
  assert.deepEqual(scoped.rows.map((r) => r.unitId), [unit.id]);
  const secrecyCoverage = await call(h, secrecy, 'GET', '/api/rollout/coverage');
  assert.equal(secrecyCoverage.statusCode, 403);

  // A terminal installed before the rollout passes debugging without a work order.
  const checklist = expectStatus<{ items: { plate: string; debuggingPassed: boolean; passed: boolean }[] }>(await call(h, bureau, 'GET', `/api/rollout/acceptance?unitId=${unit.id}&batchId=${batch.id}`), 200);
  const item = (plate: string) => checklist.items.find((i) => i.plate === plate)!;
  assert.equal(item(plates.a).debuggingPassed, true);
  assert.equal(item(plates.a).passed, true);
  assert.equal(item(plates.b).debuggingPassed, false);
  assert.equal(item(plates.f).debuggingPassed, false);
  const preview = expectStatus<{ rows: { unitId: number; installed: number; missing: number }[] }>(await call(h, bureau, 'GET', `/api/rollout/batches/${batch.id}/bulletin-preview`), 200);
  const previewRow = preview.rows.find((r) => r.unitId === unit.id)!;
  // The bulletin follows the letter's install list, which still names the disposed D: A and D count.
  assert.equal(previewRow.installed, 2);
  assert.equal(previewRow.missing, 4);
});
