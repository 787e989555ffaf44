import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { startHarness, errorCode, type Harness } from '../api/harness.ts';
import { beijingDate } from '../../src/rollout/batches.ts';
import { inspectionHeaders } from '../../src/rollout/exports/bulletin-files.ts';
import { batchBodies, call, expectStatus, seedInstalled, seedLetteredUnit, type SeededUnit } from './rollout-harness.ts';
import { saveAlert } from '../../src/alerts/sink.ts';
import type { RuleCode } from '../../src/rules/rule-codes.ts';

let h: Harness;
let bureau: string;
let batchId: number;
let partial: SeededUnit;
let complete: SeededUnit;

const hour = 3600_000;
const day = 24 * hour;
const period = { from: beijingDate(Date.now() - 7 * day), to: beijingDate(Date.now()) };

function setLastSeen(terminalId: number, at: number): void {
  h.store.sqlite.prepare('UPDATE terminals SET last_seen_at = ? WHERE id = ?').run(at, terminalId);
}

let alertCount = 0;

/** Stores an alert of a vehicle in a review state. */
async function addAlert(vehicleId: number, unitId: number, rule: RuleCode, start: number, state: string): Promise<void> {
  const { id } = await saveAlert(h.store.db, {
    key: `${rule}:${vehicleId}:${start}:${++alertCount}`,
    rule,
    vehicleId,
    unitId,
    start,
    end: start + hour,
    severity: 'medium',
    late: false,
    facts: {},
    evidence: { positionRange: { vehicleId, from: start, to: start + hour }, positionIds: [], rawFrameIds: [], placeId: null, tripOrderId: null, orderAbsent: false, tripId: null },
  }, start + hour);
  h.store.sqlite.prepare('UPDATE alerts SET state = ? WHERE id = ?').run(state, id);
}

/**
 * Hand-computed case, weights coverage 50, online 20, tamper 10, unanswered 20:
 * - partial unit: 3 of 4 vehicles installed (coverage 75), 2 of 3 terminals heard within 24 h
 *   (online 66.67). Tampering shows on 2 of 3 installed vehicles: the offline one (which also has
 *   an antenna alert) and one with a GNSS fault alert; a dismissed power-cut alert does not
 *   count, so the tamper part is 33.33. Of 7 alerts in the period 2 wait for the unit, so the
 *   unanswered part is 71.43: (50·75 + 20·66.67 + 10·33.33 + 20·71.43) / 100 = 68.45, shown 68.5.
 * - complete unit: 2 of 2 installed and online, no alert: 100.
 */
before(async () => {
  h = await startHarness();
  bureau = await h.loginAs('bureau_admin');
  batchId = expectStatus(await call(h, bureau, 'POST', '/api/rollout/batches', batchBodies.first), 201).id;
  expectStatus(await call(h, bureau, 'PATCH', '/api/rollout/settings', { onlineWindowHours: 24, inspectionWeights: { coverage: 50, onlineRate: 20, tamperAlerts: 10, unansweredAlerts: 20 } }), 200);

  partial = await seedLetteredUnit(h, bureau, batchId, '喀什地区交通运输局', ['新Q80001', '新Q80002', '新Q80003', '新Q80004']);
  const partialTerminals = await seedInstalled(h, bureau, partial, batchId, 3);
  const now = Date.now();
  setLastSeen(partialTerminals[0]!, now - hour);
  setLastSeen(partialTerminals[1]!, now - 2 * hour);
  setLastSeen(partialTerminals[2]!, now - 48 * hour);
  const [v0, v1, v2] = partial.vehicleIds as [number, number, number];
  await addAlert(v0, partial.unitId, 'non_official_place', now - 2 * day, 'pending');
  await addAlert(v0, partial.unitId, 'holiday_use', now - 3 * day, 'explained');
  await addAlert(v1, partial.unitId, 'off_hours_parking', now - 4 * day, 'dismissed');
  await addAlert(v2, partial.unitId, 'long_distance', now - 5 * day, 'rectified');
  await addAlert(v2, partial.unitId, 'device_antenna', now - 1 * day, 'explained');
  await addAlert(v1, partial.unitId, 'device_power_cut', now - 1 * day, 'dismissed');
  await addAlert(v0, partial.unitId, 'device_gnss_fault', now - 6 * day, 'pending');
  await addAlert(v1, partial.unitId, 'non_official_place', now - 20 * day, 'pending');

  complete = await seedLetteredUnit(h, bureau, batchId, '喀什地区住房和城乡建设局', ['新Q80011', '新Q80012']);
  for (const terminalId of await seedInstalled(h, bureau, complete, batchId, 2)) setLastSeen(terminalId, now - hour);
});
after(async () => h.close());

test('inspection scores units from data and weights', async () => {
  const bulletin = expectStatus(await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId, ...period }), 201);
  assert.equal(bulletin.kind, 'inspection');
  assert.match(bulletin.title, /专项巡检考核/);
  assert.deepEqual(bulletin.rows.map((r: { unitId: number }) => r.unitId), [complete.unitId, partial.unitId], 'rows are ranked by score');

  const [best, worst] = bulletin.rows;
  assert.deepEqual({ coverage: best.coverage, onlineRate: best.onlineRate, tamperAlerts: best.tamperAlerts, unansweredAlerts: best.unansweredAlerts, score: best.score }, { coverage: 1, onlineRate: 1, tamperAlerts: 0, unansweredAlerts: 0, score: 100 });
  assert.equal(worst.coverage, 0.75);
  assert.ok(Math.abs(worst.onlineRate - 2 / 3) < 1e-9);
  assert.equal(worst.tamperAlerts, 2, 'the offline vehicle and the one with a GNSS fault; a dismissed alert does not count');
  assert.equal(worst.alertsInPeriod, 7, 'the alert of 20 days ago is outside the period');
  assert.equal(worst.unansweredAlerts, 2);
  assert.equal(worst.score, 68.5);

  const audit = h.store.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'inspection.published'").get() as { detail: string };
  assert.deepEqual(JSON.parse(audit.detail).weights, { coverage: 50, onlineRate: 20, tamperAlerts: 10, unansweredAlerts: 20 });
});

test('changed weights change the score', async () => {
  expectStatus(await call(h, bureau, 'PATCH', '/api/rollout/settings', { inspectionWeights: { coverage: 100, onlineRate: 0, tamperAlerts: 0, unansweredAlerts: 0 } }), 200);
  const bulletin = expectStatus(await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId, ...period }), 201);
  assert.equal(bulletin.rows.find((r: { unitId: number }) => r.unitId === partial.unitId).score, 75);
  expectStatus(await call(h, bureau, 'PATCH', '/api/rollout/settings', { inspectionWeights: { coverage: 50, onlineRate: 20, tamperAlerts: 10, unansweredAlerts: 20 } }), 200);
});

test('published inspection downloads as XLSX and DOCX', async () => {
  const bulletin = expectStatus(await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId, ...period, title: '第一批专项巡检考核情况通报' }), 201);
  const stored = expectStatus(await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}`), 200);
  assert.deepEqual(stored.rows, bulletin.rows);
  const listed = expectStatus(await call(h, bureau, 'GET', `/api/rollout/bulletins?batchId=${batchId}`), 200).items;
  assert.ok(listed.some((b: { id: number; kind: string }) => b.id === bulletin.id && b.kind === 'inspection'));

  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}/file.xlsx`)).rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  assert.equal(sheet.getRow(1).getCell(1).text, '第一批专项巡检考核情况通报');
  assert.deepEqual(inspectionHeaders.map((_, i) => sheet.getRow(3).getCell(i + 1).text), inspectionHeaders);
  const texts = (row: number) => inspectionHeaders.map((_, i) => sheet.getRow(row).getCell(i + 1).text);
  assert.deepEqual(texts(4), ['1', '喀什地区住房和城乡建设局', '100.0%', '100.0%', '0', '0', '100']);
  assert.deepEqual(texts(5), ['2', '喀什地区交通运输局', '75.0%', '66.7%', '2', '2', '68.5']);

  const zip = await JSZip.loadAsync((await call(h, bureau, 'GET', `/api/rollout/bulletins/${bulletin.id}/file.docx`)).rawPayload);
  const xml = await zip.file('word/document.xml')!.async('string');
  for (const text of ['第一批专项巡检考核情况通报', '喀什地区交通运输局', '68.5', '喀什地区机关事务管理局']) assert.ok(xml.includes(text), `DOCX lacks ${text}`);
});

test('inspection rejects a period that ends before it starts', async () => {
  const response = await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId, from: '2022-11-30', to: '2022-11-01' });
  assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  assert.match(response.body, /from must not be after to/);
});

test('inspection rejects an unknown batch and a bad date', async () => {
  assert.equal(errorCode(await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId: 999, ...period })), 'GONGCHE_ERR_NOT_FOUND');
  assert.equal(errorCode(await call(h, bureau, 'POST', '/api/rollout/inspections', { batchId, from: '2022-11-31', to: '2022-12-01' })), 'GONGCHE_ERR_VALIDATION');
});

test('only the bureau publishes inspections', async () => {
  for (const role of ['unit_operator', 'unit_supervisor', 'secrecy_reviewer', 'installer', 'inspector'] as const) {
    const token = await h.loginAs(role, role.startsWith('unit_') ? { unitId: partial.unitId } : {});
    assert.equal((await call(h, token, 'POST', '/api/rollout/inspections', { batchId, ...period })).statusCode, 403, role);
  }
});
