import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';
import { firstBatch, secondBatch } from './rollout-data.ts';

interface BatchBody {
  id: number;
  number: number;
  name: string;
  scopeRule: unknown;
  deadlines: Record<string, string>;
}

/** Types a date into an Element Plus date picker and confirms it with Enter. */
async function pickDate(page: Page, name: string, date: string): Promise<void> {
  const input = field(page, name);
  await input.fill(date);
  await input.press('Enter');
}

/**
 * Creates batch 1 of the plan in the browser as the bureau, and returns its id. The inline checks
 * mark a short name and deadlines out of order before anything is sent. A batch number taken
 * meanwhile by another administrator is rejected by the server, with the reason in Chinese.
 */
export async function bureauCreatesBatch(server: TestServer, browser: TestBrowser, bureau: string): Promise<number> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.locator('[data-test=menu-batches]').click();
  await page.waitForURL('**/rollout/batches');
  await page.getByText('尚未创建安装批次').waitFor();

  await page.locator('[data-test=batch-create]').click();
  const dialog = page.locator('[data-test=batch-dialog]');
  assert.equal(await field(page, 'batch-number').inputValue(), '1');
  await field(page, 'batch-name').fill('第');
  await field(page, 'batch-name').press('Tab');
  await dialog.getByText('名称为 2 至 60 个字').waitFor();
  await field(page, 'batch-name').fill('第一批');
  await dialog.getByText('名称为 2 至 60 个字').waitFor({ state: 'hidden' });

  // Batch 1 covers every unit except discipline inspection and judicial ones.
  for (const category of ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security']) {
    await page.locator(`[data-test=batch-category-${category}]`).click();
  }
  await pickDate(page, 'batch-deadline-registration', '2027-05-10');
  await pickDate(page, 'batch-deadline-review', '2027-05-01');
  await dialog.getByText('截止日期应不早于上一阶段（登记，2027-05-10）').waitFor();
  await pickDate(page, 'batch-deadline-review', '2027-05-20');
  await dialog.getByText('截止日期应不早于上一阶段').waitFor({ state: 'hidden' });
  await pickDate(page, 'batch-deadline-installation', '2027-10-15');
  await pickDate(page, 'batch-deadline-acceptance', '2027-10-15');
  await pickDate(page, 'batch-deadline-data_security', '2027-12-31');
  await screenshot(page, 'batch-dialog');
  await page.locator('[data-test=batch-save]').click();
  await page.getByText('批次已创建').waitFor();
  await page.locator('[data-test=batch-1-deadline-installation]').getByText('2027-10-15').waitFor();

  const batches = await server.call<{ items: BatchBody[] }>(bureau, 'GET', '/api/rollout/batches');
  const first = batches.items.find((batch) => batch.number === 1)!;
  assert.equal(first.name, '第一批');
  assert.deepEqual(first.scopeRule, firstBatch.scopeRule);
  assert.deepEqual(first.deadlines, firstBatch.deadlines);

  // Another administrator creates batch 2 meanwhile: the page still offers number 2, and the server's rejection is in Chinese.
  await server.call(bureau, 'POST', '/api/rollout/batches', secondBatch);
  await page.locator('[data-test=batch-create]').click();
  assert.equal(await field(page, 'batch-number').inputValue(), '2');
  await field(page, 'batch-name').fill('第二批');
  await page.locator('[data-test=batch-save]').click();
  await page.locator('[data-test=batch-error]').getByText('批次号 2 已被使用，请换一个批次号，或编辑已有的批次').waitFor();
  await dialog.getByRole('button', { name: '取消' }).click();

  // After a refresh the bureau sets batch 2's registration deadline by editing it.
  await page.getByRole('button', { name: '刷新' }).click();
  await page.locator('[data-test=batch-edit-2]').click();
  assert.equal(await field(page, 'batch-name').inputValue(), '第二批');
  await pickDate(page, 'batch-deadline-registration', '2027-09-30');
  await page.locator('[data-test=batch-save]').click();
  await page.getByText('批次已保存').waitFor();
  await page.locator('[data-test=batch-2-deadline-registration]').getByText('2027-09-30').waitFor();
  const second = (await server.call<{ items: BatchBody[] }>(bureau, 'GET', '/api/rollout/batches')).items.find((batch) => batch.number === 2)!;
  assert.deepEqual(second.deadlines, { registration: '2027-09-30' });
  assert.deepEqual(second.scopeRule, secondBatch.scopeRule);

  // The scope of batch 1 lists its units and vehicles.
  await page.locator('[data-test=batch-view-1]').click();
  await page.locator('[data-test=batch-detail]').getByRole('tab', { name: '范围' }).click();
  const scope = await server.call<{ units: { vehicleIds: number[] }[] }>(bureau, 'GET', `/api/rollout/batches/${first.id}/scope`);
  const vehicles = scope.units.reduce((sum, unit) => sum + unit.vehicleIds.length, 0);
  assert.ok(scope.units.length > 0);
  await page.locator('[data-test=batch-scope-summary]').getByText(`${scope.units.length} 个单位，${vehicles} 辆车`).waitFor();
  await screenshot(page, 'batches');
  assert.deepEqual(browser.problems, []);
  return first.id;
}

/** Issues the reply letter of a unit's reviewed form on the batch page, downloads it as PDF and Word, and returns its document number. */
async function issueLetter(page: Page, unitId: number): Promise<string> {
  await page.locator(`[data-test=letter-issue-${unitId}]`).click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  const letter = page.locator(`[data-test=letter-${unitId}]`);
  await letter.waitFor();
  const documentNumber = (await letter.locator('div').first().innerText()).trim();
  await page.getByText(`函复已生成：${documentNumber}`).waitFor();

  for (const [format, magic] of [['pdf', '%PDF-'], ['docx', 'PK']] as const) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test=letter-${format}-${unitId}]`).click()]);
    assert.equal(file.suggestedFilename(), `${documentNumber}.${format}`);
    const content = fs.readFileSync((await file.path())!);
    assert.equal(content.subarray(0, magic.length).toString('latin1'), magic);
  }
  return documentNumber;
}

/**
 * Issues the reply letters of two reviewed forms in batch 1 and creates their work orders on the
 * batch page. The operator's unit drives demo terminals: its vehicles with a bound terminal get no
 * work order, and the dialog shows how many. The other unit's vehicles have none and get one each.
 */
export async function bureauIssuesLettersAndWorkOrders(server: TestServer, browser: TestBrowser, bureau: string, batchId: number, units: { operatorUnitId: number; newUnitId: number }): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.locator('[data-test=menu-batches]').click();
  await page.locator('[data-test=batch-units]').waitFor();

  for (const unitId of [units.operatorUnitId, units.newUnitId]) {
    const documentNumber = await issueLetter(page, unitId);
    const letters = await server.call<{ items: { unitId: number; documentNumber: string }[] }>(bureau, 'GET', `/api/rollout/letters?batchId=${batchId}`);
    assert.equal(letters.items.find((letter) => letter.unitId === unitId)?.documentNumber, documentNumber);
  }
  await screenshot(page, 'batch-letters');

  // The operator's unit: which of its install-list vehicles already have a terminal decides the outcome.
  const letters = await server.call<{ items: { id: number; unitId: number }[] }>(bureau, 'GET', `/api/rollout/letters?batchId=${batchId}`);
  const letterId = letters.items.find((letter) => letter.unitId === units.operatorUnitId)!.id;
  const letter = await server.call<{ install: { vehicleId: number; plate: string }[] }>(bureau, 'GET', `/api/rollout/letters/${letterId}`);
  const vehicles = await server.call<{ items: { id: number; terminal: unknown }[] }>(bureau, 'GET', '/api/vehicles');
  const withTerminal = letter.install.filter((line) => vehicles.items.find((vehicle) => vehicle.id === line.vehicleId)?.terminal);
  const dialog = page.locator('[data-test=work-order-create-dialog]');

  await page.locator(`[data-test=work-orders-create-${units.operatorUnitId}]`).click();
  await page.locator('[data-test=work-order-create-submit]').click();
  await dialog.getByText('请选择计划安装日期').waitFor();
  await pickDate(page, 'work-order-planned-date', '2027-06-01');
  await page.locator('[data-test=work-order-create-submit]').click();
  const result = page.locator('[data-test=work-order-create-result]');
  await result.getByText(`已生成 ${letter.install.length - withTerminal.length} 张工单`).waitFor();
  if (withTerminal.length > 0) {
    await result.getByText(`${withTerminal.length} 辆车已绑定终端，不需要安装工单`).waitFor();
    for (const line of withTerminal) await result.getByText(line.plate, { exact: false }).waitFor();
  }
  await screenshot(page, 'work-orders-create');
  await dialog.getByRole('button', { name: '关闭', exact: true }).click();

  // The new unit's vehicles have no terminal: one work order each, listed in the dialog.
  await page.locator(`[data-test=work-orders-create-${units.newUnitId}]`).click();
  await pickDate(page, 'work-order-planned-date', '2027-06-01');
  await page.locator('[data-test=work-order-create-submit]').click();
  await result.getByText('已生成 2 张工单').waitFor();
  assert.equal(await dialog.locator('[data-test=unit-work-orders] .el-table__body tr').count(), 2);
  await dialog.getByRole('button', { name: '关闭', exact: true }).click();

  const orders = await server.call<{ items: { unitId: number; vehicleId: number; plannedDate: string; state: string }[] }>(bureau, 'GET', `/api/rollout/work-orders?batchId=${batchId}`);
  const operatorOrders = orders.items.filter((order) => order.unitId === units.operatorUnitId);
  assert.deepEqual(operatorOrders.map((order) => order.vehicleId).sort(), letter.install.filter((line) => !withTerminal.includes(line)).map((line) => line.vehicleId).sort());
  const newOrders = orders.items.filter((order) => order.unitId === units.newUnitId);
  assert.deepEqual(newOrders.map((order) => [order.plannedDate, order.state]), [['2027-06-01', 'open'], ['2027-06-01', 'open']]);
  assert.deepEqual(browser.problems, []);
}
