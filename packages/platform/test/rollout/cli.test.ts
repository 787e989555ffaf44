import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { openStore, type Store } from '../../src/store/db.ts';
import { runCli } from '../../src/cli/commands.ts';
import { createUnit } from '../../src/registry/units.ts';
import { createVehicle } from '../../src/registry/vehicles.ts';
import { unitInput, vehicleInput } from '../../src/registry/schemas.ts';
import { batchInput, createBatch } from '../../src/rollout/batches.ts';
import { getForm } from '../../src/rollout/forms.ts';
import { registrationXlsx } from '../../src/rollout/exports/form-xlsx.ts';
import { batchBodies } from './rollout-harness.ts';

let dir: string;
let store: Store;
let unitId: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-rollout-cli-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  unitId = (await createUnit(store.db, unitInput.parse({ name: '喀什地区水利局', organisationCode: '11653100000073138G' }))).id;
  await createVehicle(store.db, vehicleInput.parse({ unitId, plate: '新Q50001', vehicleType: '越野车', usageNature: '一般公务用车' }));
  await createBatch(store.db, batchInput.parse(batchBodies.first));
  await store.close();
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('status lists the overdue registration and exits 1', async () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    assert.equal(await runCli(['rollout', 'status', '--batch', '1', '--data-dir', dir]), 1);
  } finally {
    console.log = original;
  }
  assert.ok(lines.some((line) => line.includes('喀什地区水利局') && line.includes('registration') && line.includes('2022-05-10')), lines.join('\n'));
});

test('bulletin writes an XLSX with one row per unit', async () => {
  const out = path.join(dir, 'bulletin.xlsx');
  assert.equal(await runCli(['rollout', 'bulletin', '--batch', '1', '--out', out, '--data-dir', dir]), 0);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(out);
  const row = workbook.worksheets[0]!.getRow(4);
  assert.deepEqual([2, 3, 4, 7].map((c) => row.getCell(c).text), ['喀什地区水利局', '1', '0', '1']);
});

test('import-form reads an exported 附件1 back into the draft', async () => {
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  const vehicle = await store.db.selectFrom('vehicles').select('id').executeTakeFirstOrThrow();
  const form = await store.db.insertInto('rollout_forms').values({ unit_id: unitId, batch_id: 1, state: 'draft', vehicle_quota: 3, actual_count: 1, created_by: null, created_at: 0, updated_at: 0 }).returning('id').executeTakeFirstOrThrow();
  await store.db.insertInto('rollout_form_lines').values({ form_id: form.id, vehicle_id: vehicle.id, list: 'install', exempt_reason: null, remarks: '办公用车', rejected_by_review_id: null }).execute();
  const file = path.join(dir, 'form.xlsx');
  fs.writeFileSync(file, await registrationXlsx(await getForm(store.db, form.id), []));
  await store.db.deleteFrom('rollout_form_lines').execute();
  await store.close();

  assert.equal(await runCli(['rollout', 'import-form', file, '--unit', String(unitId), '--batch', '1', '--data-dir', dir]), 0);
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  try {
    const imported = await getForm(store.db, form.id);
    assert.deepEqual(imported.install.map((line) => [line.plate, line.remarks]), [['新Q50001', '办公用车']]);
    assert.equal(imported.vehicleQuota, 3);
  } finally {
    await store.close();
  }
});
