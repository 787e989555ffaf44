import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { openStore, type Store } from '../../src/store/db.ts';
import { importRegistry, readRegistryFile } from '../../src/registry/import.ts';
import { runCli } from '../../src/cli/commands.ts';

let dir: string;
let store: Store;

const header = ['单位名称', '品牌型号', '车牌号', '车辆类型', '使用性质', '备注', '终端手机号'];

async function writeXlsx(file: string, rows: (string | number)[][]) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('车辆登记');
  for (const row of rows) sheet.addRow(row);
  workbook.addWorksheet('说明').addRow(['this sheet is ignored']);
  await workbook.xlsx.writeFile(file);
}

const csv = (rows: string[][]) => rows.map((row) => row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join('\r\n') + '\r\n';

async function counts() {
  const count = async (table: 'units' | 'vehicles' | 'terminals') =>
    Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { units: await count('units'), vehicles: await count('vehicles'), terminals: await count('terminals') };
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-import-'));
});
after(async () => {
  await store?.close();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await store?.close();
  const dataDir = await fs.mkdtemp(path.join(dir, 'data-'));
  store = await openStore({ file: path.join(dataDir, 'gongche.db'), synchronous: 'NORMAL' });
});

describe('registry file reading', () => {
  test('reads UTF-8 CSV with BOM, quoted fields and English headings', async () => {
    const file = path.join(dir, 'bom.csv');
    const body = csv([
      ['unit', 'brandModel', 'plate', 'vehicleType', 'usageNature', 'remarks', 'terminalPhone'],
      ['喀什地区财政局', '丰田 "凯美瑞", 2.0', '新q 12345', '轿车', '一般公务用车', '', '013900001111'],
    ]);
    await fs.writeFile(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    const rows = await readRegistryFile(file);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.rowNumber, 2);
    assert.equal(rows[0]!.values.unit, '喀什地区财政局');
    assert.equal(rows[0]!.values.brandModel, '丰田 "凯美瑞", 2.0');
    assert.equal(rows[0]!.values.remarks, undefined);
  });

  test('reads GBK-encoded CSV', async () => {
    const file = path.join(dir, 'gbk.csv');
    await fs.writeFile(file, iconv.encode(csv([header, ['喀什地区教育局', '大众帕萨特', '新Q23456', '轿车', '一般公务用车', '备用', '13900002222']]), 'gbk'));
    const rows = await readRegistryFile(file);
    assert.equal(rows[0]!.values.unit, '喀什地区教育局');
    assert.equal(rows[0]!.values.remarks, '备用');
  });

  test('skips title row, keeps row numbers', async () => {
    const file = path.join(dir, 'titled.xlsx');
    await writeXlsx(file, [['公务用车登记表'], header, ['喀什地区审计局', '', '新Q34567', '越野车', '执法执勤用车', '', 13900003333]]);
    const rows = await readRegistryFile(file);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.rowNumber, 3);
    assert.equal(rows[0]!.values.terminalPhone, '13900003333');
  });

  test('rejects a file without the plate column, naming it', async () => {
    const file = path.join(dir, 'noplate.csv');
    await fs.writeFile(file, csv([['单位名称', '车辆类型', '使用性质', '终端手机号'], ['喀什地区民政局', '轿车', '一般公务用车', '13900004444']]));
    await assert.rejects(readRegistryFile(file), /车牌号/);
  });

  test('renamed text file is not a workbook', async () => {
    const file = path.join(dir, 'renamed.xlsx');
    await fs.writeFile(file, '单位名称,车牌号\n');
    await assert.rejects(readRegistryFile(file), (error: Error & { code?: string; value?: unknown }) => {
      assert.equal(error.code, 'GONGCHE_ERR_VALIDATION');
      assert.equal(error.value, 'renamed.xlsx');
      assert.match(error.message, /renamed\.xlsx is not a readable \.xlsx workbook: it is not an Excel \.xlsx file/);
      assert.match(error.message, /or as CSV/);
      assert.doesNotMatch(error.message, /central directory|jszip/, 'no library wording');
      return true;
    });
  });

  test('missing file is named', async () => {
    const file = path.join(dir, 'no-such-form.csv');
    await assert.rejects(readRegistryFile(file), (error: Error & { code?: string; value?: unknown }) => {
      assert.equal(error.code, 'GONGCHE_ERR_FILE_NOT_FOUND');
      assert.equal(error.value, file);
      assert.match(error.message, /File not found: .*no-such-form\.csv; check the path/);
      return true;
    });
  });

  test('rejects an unsupported file type', async () => {
    const file = path.join(dir, 'form.xls');
    await fs.writeFile(file, 'x');
    await assert.rejects(readRegistryFile(file), /\.csv or \.xlsx/);
  });
});

describe('registry import', () => {
  test('imports a good XLSX file, creating missing units', async () => {
    const now = Date.now();
    await store.db.insertInto('units').values({ name: '喀什地区公安局', category: 'public_security', created_at: now, updated_at: now }).execute();
    const file = path.join(dir, 'good.xlsx');
    await writeXlsx(file, [
      [...header, '单位类别', '领导职级', 'IMEI'],
      ['喀什地区公安局', '丰田普拉多', '新Q50001', '越野车', '执法执勤用车', '', '013900005001', '', '', '861234567890123'],
      ['喀什地区中级人民法院', '别克GL8', '新Q50002', '商务车', '一般公务用车', '接待', '013900005002', '法院', '', ''],
      ['喀什地区中级人民法院', '红旗H5', '新QD12345', '轿车', '领导保障用车', '', '013900005003', '', '正处级', ''],
    ]);
    const result = await importRegistry(store.db, await readRegistryFile(file));
    assert.deepEqual(result.errors, []);
    assert.equal(result.imported, true);
    assert.deepEqual(result.unitsCreated, ['喀什地区中级人民法院']);
    assert.deepEqual(await counts(), { units: 2, vehicles: 3, terminals: 3 });

    const court = await store.db.selectFrom('units').selectAll().where('name', '=', '喀什地区中级人民法院').executeTakeFirstOrThrow();
    assert.equal(court.category, 'court');
    const vehicle = await store.db.selectFrom('vehicles').selectAll().where('plate', '=', '新QD12345').executeTakeFirstOrThrow();
    assert.equal(vehicle.unit_id, court.id);
    assert.equal(vehicle.leader_rank, '正处级');
    assert.equal(vehicle.usage_nature, '领导保障用车');
    const terminal = await store.db.selectFrom('terminals').selectAll().where('phone_key', '=', '13900005001').executeTakeFirstOrThrow();
    assert.equal(terminal.imei, '861234567890123');
    assert.equal(terminal.auth_code, null);
  });

  test('reports every bad row, stores nothing', async () => {
    const now = Date.now();
    const unit = await store.db.insertInto('units').values({ name: '喀什地区财政局', category: 'other', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await store.db.insertInto('vehicles').values({ unit_id: unit.id, plate: '新Q60009', status: 'in_use', created_at: now, updated_at: now }).execute();
    await store.db.insertInto('terminals').values({ phone: '013900006009', phone_key: '13900006009', created_at: now, updated_at: now }).execute();
    const before = await counts();

    const file = path.join(dir, 'bad.csv');
    await fs.writeFile(file, csv([
      header,
      ['喀什地区新单位', '', '新Q60001', '轿车', '一般公务用车', '', '13900006001'],
      ['喀什地区新单位', '', 'ABC123', '轿车', '一般公务用车', '', '13900006002'],
      ['喀什地区新单位', '', '新Q60003', '拖拉机', '一般公务用车', '', '13900006003'],
      ['喀什地区新单位', '', '新Q60001', '轿车', '私用', '', '1390000'],
      ['', '', '新Q60009', '轿车', '一般公务用车', '', '13900006009'],
      ['喀什地区新单位', '', '新Q60006', '轿车', '一般公务用车', '', '13900006001'],
    ]));
    const result = await importRegistry(store.db, await readRegistryFile(file));
    assert.equal(result.imported, false);
    const found = result.errors.map((e) => `${e.row}:${e.column}`);
    assert.deepEqual(found.sort(), [
      '3:车牌号', // not a plate
      '4:车辆类型', // not in the plan's list
      '5:使用性质',
      '5:终端手机号', // too short
      '5:车牌号', // repeats row 2
      '6:单位名称', // missing
      '6:终端手机号', // already bound
      '6:车牌号', // already registered
      '7:终端手机号', // repeats row 2
    ].sort());
    const repeat = result.errors.find((e) => e.row === 5 && e.column === '车牌号');
    assert.match(repeat!.reason, /row 2/);
    assert.match(result.errors.find((e) => e.row === 6 && e.column === '车牌号')!.reason, /already registered/);
    assert.deepEqual(await counts(), before);

    // Each problem also has a code, with what a reason in the user's language needs.
    const coded = Object.fromEntries(result.errors.map((e) => [`${e.row}:${e.column}`, e]));
    assert.equal(coded['3:车牌号']!.code, 'invalid_format');
    assert.equal(coded['4:车辆类型']!.code, 'not_allowed');
    assert.ok(coded['4:车辆类型']!.allowed?.includes('轿车'));
    assert.equal(coded['5:使用性质']!.code, 'not_allowed');
    assert.equal(coded['5:终端手机号']!.code, 'invalid_format');
    assert.equal(coded['5:车牌号']!.code, 'repeated_in_file');
    assert.equal(coded['5:车牌号']!.otherRow, 2);
    assert.equal(coded['6:单位名称']!.code, 'missing');
    assert.equal(coded['6:终端手机号']!.code, 'phone_taken');
    assert.equal(coded['6:车牌号']!.code, 'plate_taken');
    assert.equal(coded['7:终端手机号']!.code, 'repeated_in_file');
  });

  test('unquoted comma shifts a CSV row', async () => {
    const file = path.join(dir, 'comma.csv');
    // The brand and model contain a comma but no quotes, so the row has one value too many.
    await fs.writeFile(file, header.join(',') + '\r\n' + '喀什地区林业局,丰田,凯美瑞,新Q70003,轿车,一般公务用车,,13900007003\r\n');
    const result = await importRegistry(store.db, await readRegistryFile(file), { dryRun: true });
    const beyond = result.errors[0];
    assert.equal(beyond?.code, 'beyond_header', `the cause comes first: ${JSON.stringify(result.errors)}`);
    assert.equal(beyond.row, 2);
    assert.equal(beyond.column, 'H');
    assert.equal(beyond.value, '13900007003');
    assert.match(beyond.reason, /double quotes/);
  });

  test('notes beside a workbook table are ignored', async () => {
    const file = path.join(dir, 'notes.xlsx');
    await writeXlsx(file, [header, ['喀什地区林业局', '', '新Q70004', '轿车', '一般公务用车', '', '13900007004', '', '', '已核对']]);
    const result = await importRegistry(store.db, await readRegistryFile(file), { dryRun: true });
    assert.deepEqual(result.errors, []);
  });

  test('too long text gives the maximum', async () => {
    const file = path.join(dir, 'long.csv');
    await fs.writeFile(file, csv([header, ['喀什地区林业局', '品'.repeat(61), '新Q70002', '轿车', '一般公务用车', '', '13900007002']]));
    const result = await importRegistry(store.db, await readRegistryFile(file), { dryRun: true });
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0]!.column, '品牌型号');
    assert.equal(result.errors[0]!.code, 'too_long');
    assert.equal(result.errors[0]!.max, 60);
  });

  test('dry run validates without storing', async () => {
    const file = path.join(dir, 'dry.csv');
    await fs.writeFile(file, csv([header, ['喀什地区林业局', '', '新Q70001', '轿车', '一般公务用车', '', '13900007001']]));
    const result = await importRegistry(store.db, await readRegistryFile(file), { dryRun: true });
    assert.deepEqual(result.errors, []);
    assert.equal(result.imported, false);
    assert.deepEqual(result.unitsCreated, ['喀什地区林业局']);
    assert.deepEqual(await counts(), { units: 0, vehicles: 0, terminals: 0 });
  });

  test('rejects two categories for one new unit', async () => {
    const file = path.join(dir, 'categories.csv');
    await fs.writeFile(file, csv([
      [...header, '单位类别'],
      ['喀什地区某局', '', '新Q71001', '轿车', '一般公务用车', '', '13900007101', '公安'],
      ['喀什地区某局', '', '新Q71002', '轿车', '一般公务用车', '', '13900007102', '法院'],
      ['喀什地区某局', '', '新Q71003', '轿车', '一般公务用车', '', '13900007103', '农业'],
    ]));
    const result = await importRegistry(store.db, await readRegistryFile(file));
    assert.deepEqual(result.errors.map((e) => `${e.row}:${e.column}`), ['3:单位类别', '4:单位类别']);
    assert.deepEqual(result.errors.map((e) => [e.code, e.otherRow]), [['category_differs', 2], ['not_allowed', undefined]]);
  });
});

describe('registry import command', () => {
  test('exit codes for new and repeated file', async (t) => {
    const dataDir = await fs.mkdtemp(path.join(dir, 'cli-'));
    await (await openStore({ file: path.join(dataDir, 'gongche.db'), synchronous: 'NORMAL' })).close();
    const file = path.join(dir, 'cli.csv');
    await fs.writeFile(file, csv([header, ['喀什地区交通局', '', '新Q80001', '轿车', '一般公务用车', '', '13900008001']]));
    const log = t.mock.method(console, 'log', () => {});
    const error = t.mock.method(console, 'error', () => {});

    assert.equal(await runCli(['registry', 'import', file, '--data-dir', dataDir, '--dry-run']), 0);
    assert.match(String(log.mock.calls.at(-1)?.arguments[0]), /nothing was stored/);
    assert.equal(await runCli(['registry', 'import', file, '--data-dir', dataDir]), 0);
    assert.match(log.mock.calls.map((c) => String(c.arguments[0])).join('\n'), /imported 1 vehicle/);

    assert.equal(await runCli(['registry', 'import', file, '--data-dir', dataDir]), 1);
    const output = error.mock.calls.map((c) => String(c.arguments[0])).join('\n');
    assert.match(output, /row 2, 车牌号 "新Q80001": plate is already registered/);
    assert.match(output, /row 2, 终端手机号/);
  });
});
