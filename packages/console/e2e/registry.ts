import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

const unitName = '喀什地区商务局';
const plate = '新QR9001';
const phone = '013900009001';

/**
 * Drives the bureau's vehicles and terminals page. It unbinds a vehicle's terminal after the
 * confirmation, then registers an already registered plate, which the API rejects and the dialog
 * explains in Chinese.
 */
export async function bureauUnbindsTerminal(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const unit = await server.call<{ id: number }>(bureau, 'POST', '/api/units', { name: unitName, category: 'other' });
  const vehicle = await server.call<{ id: number }>(bureau, 'POST', '/api/vehicles', { unitId: unit.id, plate, usageNature: '一般公务用车' });
  await server.call(bureau, 'POST', '/api/terminals', { phone, vehicleId: vehicle.id });

  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-registry]').click();
  await page.waitForURL('**/registry');

  // The plate filter normalises what the user types, as the API does.
  await field(page, 'filter-plate').fill('新qr 9001');
  const rows = page.locator('[data-test=vehicles-table] .el-table__body tr');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=vehicles-table] .el-table__body tr').length === 1);
  assert.match(await rows.first().locator('[data-test=vehicle-terminal]').innerText(), new RegExp(phone));

  await rows.first().locator('[data-test=vehicle-unbind]').click();
  const confirm = page.locator('.el-message-box');
  await confirm.waitFor();
  const consequence = await confirm.innerText();
  assert.match(consequence, /计为未装终端/);
  assert.match(consequence, /不再归属于该车辆/);
  assert.match(consequence, /仍保留在登记中/);
  await screenshot(page, 'registry-unbind');
  await confirm.getByRole('button', { name: '解绑' }).click();
  await rows.first().locator('[data-test=vehicle-no-terminal]').waitFor();

  const overview = await server.call<{ terminal: unknown }>(bureau, 'GET', `/api/vehicles/${vehicle.id}`);
  assert.equal(overview.terminal, null);
  const terminals = await server.call<{ items: { phone: string; vehicleId: number | null }[] }>(bureau, 'GET', '/api/terminals');
  assert.equal(terminals.items.find((terminal) => terminal.phone === phone)?.vehicleId, null, 'the terminal stays registered, unbound');

  // A second vehicle with the same plate: the form accepts the typed plate, and the API rejects it.
  await page.locator('[data-test=vehicle-create]').click();
  const dialog = page.locator('[data-test=vehicle-dialog]');
  await dialog.waitFor();
  await dialog.locator('[data-test=vehicle-unit]').click();
  await page.locator('.el-select-dropdown__item:visible').getByText(unitName, { exact: true }).click();
  await field(page, 'vehicle-plate').fill('新ＱＲ９００１');
  await dialog.locator('[data-test=vehicle-save]').click();
  const failure = page.locator('[data-test=vehicle-failure]');
  await failure.waitFor();
  assert.match(await failure.innerText(), /车牌号 新QR9001 已登记/);
  await screenshot(page, 'registry-refused');
}

/** Writes a registration form as UTF-8 CSV into a new temporary folder and returns its path. */
function writeForm(name: string, rows: string[][]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-form-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((row) => row.join(',')).join('\r\n') + '\r\n');
  return file;
}

const formHeader = ['单位名称', '品牌型号', '车牌号', '车辆类型', '使用性质', '备注', '终端手机号'];

/**
 * Drives the registration-form import of the vehicles and terminals page. A file with bad rows is
 * rejected with every row's reason in Chinese and stores nothing. The corrected file is checked,
 * then imported, and its vehicles appear in the list with their terminals.
 */
export async function bureauImportsRegistrationForm(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const unit = '喀什地区档案局';
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-registry]').click();
  await page.waitForURL('**/registry');

  await page.locator('[data-test=registry-import]').click();
  const dialog = page.locator('[data-test=import-dialog]');
  await dialog.waitFor();
  const upload = dialog.locator('[data-test=import-file] input[type=file]');
  await upload.setInputFiles(writeForm('档案局-有错.csv', [
    formHeader,
    [unit, '丰田 凯美瑞', '新QT3001', '轿车', '一般公务用车', '', '013900003001'],
    [unit, '别克 GL8', '新QT30', '商务车', '一般公务用车', '', '013900003002'],
    [unit, '丰田 普拉多', '新QT3001', '拖拉机', '一般公务用车', '', '013900003003'],
  ]));
  await dialog.locator('[data-test=import-check]').click();
  const errors = dialog.locator('[data-test=import-errors]');
  await errors.waitFor();
  const table = await errors.innerText();
  assert.match(table, /第 3 行\s+车牌号\s+新QT30\s+车牌号应为省份简称/, 'a malformed plate gets the plate rule');
  assert.match(table, /第 4 行\s+车牌号\s+新QT3001\s+与第 2 行重复/);
  assert.match(table, /第 4 行\s+车辆类型\s+拖拉机\s+不在可选范围内，应为：轿车/);
  assert.doesNotMatch(table, /repeats|must be/, 'no English reason is shown');
  assert.match(await dialog.locator('[data-test=import-message]').innerText(), /导入文件中有错误行，未导入任何数据/);
  await screenshot(page, 'registry-import-rows');
  const units = await server.call<{ items: { name: string }[] }>(bureau, 'GET', '/api/units');
  assert.equal(units.items.some((u) => u.name === unit), false, 'the rejected file created no unit');

  await upload.setInputFiles(writeForm('档案局.csv', [
    formHeader,
    [unit, '丰田 凯美瑞', '新QT3001', '轿车', '一般公务用车', '', '013900003001'],
    [unit, '别克 GL8', '新QT3002', '商务车', '一般公务用车', '', '013900003002'],
  ]));
  await dialog.locator('[data-test=import-check]').click();
  await dialog.locator('[data-test=import-message]').getByText(`检查通过：可导入 2 辆车及其终端，将新建 1 个单位`).waitFor();
  assert.equal(await errors.count(), 0, 'the row errors of the first file are gone');
  await dialog.locator('[data-test=import-run]').click();
  await dialog.locator('[data-test=import-message]').getByText('已导入 2 辆车及其终端').waitFor();
  await dialog.locator('.el-dialog__footer').getByRole('button', { name: '关闭' }).click();

  await field(page, 'filter-plate').fill('新QT3002');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=vehicles-table] .el-table__body tr').length === 1);
  assert.match(await page.locator('[data-test=vehicles-table] .el-table__body tr').first().locator('[data-test=vehicle-terminal]').innerText(), /013900003002/);
}
