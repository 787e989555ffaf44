import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';
import { firstBatch, secondBatch } from './rollout-data.ts';

interface OverrideBody {
  objectType: 'unit' | 'vehicle';
  objectId: number;
  batchNumber: number;
  reason: string;
  createdBy: string | null;
}

interface ScopeBody {
  units: { unitId: number; vehicleIds: number[] }[];
}

/** A demo unit of category "other" (batch 1 by its scope) without leadership vehicles, so no vehicle of it is in batch 2. */
const movedUnitName = '喀什地区广播电视台';
/** A demo unit in batch 1 whose only leadership vehicle (副处级) is in batch 2 by that batch's leadership scope. */
const leaderUnit = { name: '喀什地区教育局', plate: '新QZ8083' };

/** Returns the ids of batches 1 and 2, creating them through the API when this test runs alone. */
async function planBatches(server: TestServer, bureau: string): Promise<{ first: number; second: number }> {
  const idOf = async (number: number) => (await server.call<{ items: { id: number; number: number }[] }>(bureau, 'GET', '/api/rollout/batches')).items.find((batch) => batch.number === number)?.id;
  for (const batch of [firstBatch, secondBatch]) {
    if ((await idOf(batch.number)) === undefined) await server.call(bureau, 'POST', '/api/rollout/batches', batch);
  }
  return { first: (await idOf(1))!, second: (await idOf(2))! };
}

async function progressUnitIds(server: TestServer, bureau: string, batchId: number): Promise<number[]> {
  return (await server.call<{ items: { unitId: number }[] }>(bureau, 'GET', `/api/rollout/batches/${batchId}/progress`)).items.map((row) => row.unitId);
}

async function scopeVehicleIds(server: TestServer, bureau: string, batchId: number): Promise<number[]> {
  return (await server.call<ScopeBody>(bureau, 'GET', `/api/rollout/batches/${batchId}/scope`)).units.flatMap((unit) => unit.vehicleIds);
}

async function overrides(server: TestServer, bureau: string): Promise<OverrideBody[]> {
  return (await server.call<{ items: OverrideBody[] }>(bureau, 'GET', '/api/rollout/overrides')).items;
}

/** Picks the target batch and types the reason in the open assignment dialog, then saves. With a screenshot name, it takes a screenshot before saving. */
async function assignTo(page: Page, dialog: Locator, batchNumber: number, reason: string, screenshotName?: string): Promise<void> {
  await dialog.locator('[data-test=override-batch]').click();
  const option = page.locator(`.el-select-dropdown__item[data-test=override-batch-${batchNumber}]:visible`);
  await option.click();
  await field(page, 'override-reason').fill(reason);
  if (screenshotName) {
    await option.waitFor({ state: 'detached' });
    await screenshot(page, screenshotName);
  }
  await dialog.locator('[data-test=override-save]').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('.el-message').getByText('批次已调整').last().waitFor();
}

/** Removes a manual assignment from the list, checking that the confirmation mentions that the batches' scope applies again. */
async function removeAssignment(page: Page, key: string): Promise<void> {
  await page.locator(`[data-test=override-remove-${key}]`).click();
  const confirm = page.locator('.el-message-box:visible');
  await confirm.getByText('撤销后重新按批次范围划分批次').waitFor();
  await confirm.getByRole('button', { name: '确定' }).click();
  await page.locator(`[data-test=override-row-${key}]`).waitFor({ state: 'detached' });
}

/**
 * Assigns a unit of batch 1 to batch 2 by hand on the batch page and removes the assignment again:
 * the unit leaves batch 1's units for batch 2's and comes back. A leadership vehicle of batch 2 is
 * moved to batch 1 from the scope tab the same way. The dialog rejects a missing batch and an empty
 * or blank reason inline, without a request.
 */
export async function bureauAssignsBatchByHand(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const { page } = browser;
  const batches = await planBatches(server, bureau);
  const units = (await server.call<{ items: { id: number; name: string }[] }>(bureau, 'GET', '/api/units')).items;
  const unitId = units.find((unit) => unit.name === movedUnitName)!.id;
  const leaderUnitId = units.find((unit) => unit.name === leaderUnit.name)!.id;
  const vehicles = (await server.call<{ items: { id: number; plate: string }[] }>(bureau, 'GET', '/api/vehicles')).items;
  const vehicleId = vehicles.find((vehicle) => vehicle.plate === leaderUnit.plate)!.id;
  assert.ok((await progressUnitIds(server, bureau, batches.first)).includes(unitId), 'batch 1 covers the unit by its scope');
  assert.ok(!(await progressUnitIds(server, bureau, batches.second)).includes(unitId), 'batch 2 does not cover the unit by its scope');
  assert.ok((await scopeVehicleIds(server, bureau, batches.second)).includes(vehicleId), 'batch 2 covers the leadership vehicle by its scope');
  assert.deepEqual(await overrides(server, bureau), []);

  await logIn(page, server.baseUrl, 'bureau');
  await page.locator('[data-test=menu-batches]').click();
  await page.locator('[data-test=batch-view-1]').click();
  await page.locator('[data-test=overrides-table]').getByText('暂无手工调整').waitFor();
  await page.locator(`[data-test=unit-override-${unitId}]`).click();
  const dialog = page.locator('[data-test=override-dialog]');
  await dialog.locator('[data-test=override-object]').getByText(`单位：${movedUnitName}`).waitFor();
  await dialog.getByText('该单位离开按批次范围划入的批次').waitFor();

  // Nothing chosen or typed: both fields are marked and nothing is sent.
  await dialog.locator('[data-test=override-save]').click();
  await dialog.getByText('请选择调入的批次').waitFor();
  await dialog.getByText('请填写调整原因，4 至 200 个字').waitFor();
  await dialog.locator('[data-test=override-batch]').click();
  const current = page.locator('.el-select-dropdown__item[data-test=override-batch-1]:visible');
  await current.getByText('第 1 批 · 第一批（当前批次）').waitFor();
  assert.match((await current.getAttribute('class')) ?? '', /is-disabled/, 'the current batch cannot be chosen');
  await page.locator('.el-select-dropdown__item[data-test=override-batch-2]:visible').click();
  await dialog.getByText('请选择调入的批次').waitFor({ state: 'hidden' });

  // A blank reason of four spaces and a three-character one are both too short once trimmed.
  const reasonError = dialog.getByText('请填写调整原因，4 至 200 个字');
  for (const reason of ['    ', '随二批']) {
    await field(page, 'override-reason').fill('随第二批安装');
    await reasonError.waitFor({ state: 'hidden' });
    await field(page, 'override-reason').fill(reason);
    await dialog.locator('[data-test=override-save]').click();
    await reasonError.waitFor();
  }
  assert.deepEqual(await overrides(server, bureau), [], 'the rejected reasons sent nothing');
  await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The unit moves to batch 2 with its reason.
  const reason = '该单位车辆随第二批统一安装';
  await page.locator(`[data-test=unit-override-${unitId}]`).click();
  await dialog.locator('[data-test=override-object]').waitFor();
  await assignTo(page, dialog, 2, reason, 'batch-override');
  const listed = page.locator('[data-test=overrides-table]');
  await listed.locator(`[data-test=override-row-unit-${unitId}]`).getByText(movedUnitName).waitFor();
  const row = listed.locator('.el-table__row').filter({ hasText: movedUnitName });
  await row.getByText(reason).waitFor();
  await row.getByText('第 2 批 · 第二批').waitFor();
  await row.getByText('bureau').waitFor();
  await page.locator(`[data-test=unit-override-${unitId}]`).waitFor({ state: 'detached' });
  await page.locator('[data-test=batch-view-2]').click();
  await page.locator(`[data-test=unit-overridden-${unitId}]`).getByText('手工调整').waitFor();
  await listed.scrollIntoViewIfNeeded();
  await screenshot(page, 'batch-overrides');

  const [assigned] = await overrides(server, bureau);
  assert.deepEqual(assigned && { type: assigned.objectType, id: assigned.objectId, batch: assigned.batchNumber, reason: assigned.reason, by: assigned.createdBy }, { type: 'unit', id: unitId, batch: 2, reason, by: 'bureau' });
  assert.ok(!(await progressUnitIds(server, bureau, batches.first)).includes(unitId), 'the unit left batch 1');
  assert.ok((await progressUnitIds(server, bureau, batches.second)).includes(unitId), 'the unit is in batch 2');

  // A leadership vehicle moves from batch 2 to batch 1 on the scope tab, after which its unit has no vehicle left in batch 2.
  await page.locator('[data-test=batch-detail]').getByRole('tab', { name: '范围' }).click();
  await page.locator('[data-test=batch-scope] .el-table__row').filter({ hasText: leaderUnit.name }).locator('.el-table__expand-icon').click();
  await screenshot(page, 'batch-scope-vehicles');
  await page.locator(`[data-test=vehicle-override-${vehicleId}]`).click();
  await dialog.locator('[data-test=override-object]').getByText(`车辆：${leaderUnit.plate}（${leaderUnit.name}）`).waitFor();
  await assignTo(page, dialog, 1, '领导用车随本单位第一批安装');
  await listed.locator(`[data-test=override-row-vehicle-${vehicleId}]`).waitFor();
  await listed.locator('.el-table__row').filter({ hasText: leaderUnit.plate }).getByText(leaderUnit.name).waitFor();
  await page.locator(`[data-test=vehicle-override-${vehicleId}]`).waitFor({ state: 'detached' });
  assert.ok((await scopeVehicleIds(server, bureau, batches.first)).includes(vehicleId), 'the vehicle is in batch 1');
  assert.ok(!(await progressUnitIds(server, bureau, batches.second)).includes(leaderUnitId), 'the vehicle\'s unit left batch 2');

  // Removing both assignments lets the scope decide again: the unit is back in batch 1 and the vehicle in batch 2.
  await removeAssignment(page, `unit-${unitId}`);
  await page.getByText(`已撤销“${movedUnitName}”的手工调整`).waitFor();
  await removeAssignment(page, `vehicle-${vehicleId}`);
  await listed.getByText('暂无手工调整').waitFor();
  await page.locator('[data-test=batch-scope] .el-table__row').filter({ hasText: leaderUnit.name }).waitFor();
  await page.locator('[data-test=batch-detail]').getByRole('tab', { name: '各单位进度' }).click();
  await page.locator(`[data-test=unit-override-${unitId}]`).waitFor({ state: 'detached' });
  await page.locator('[data-test=batch-view-1]').click();
  await page.locator(`[data-test=unit-override-${unitId}]`).waitFor();
  assert.equal(await page.locator(`[data-test=unit-overridden-${unitId}]`).count(), 0);

  assert.deepEqual(await overrides(server, bureau), []);
  assert.ok((await progressUnitIds(server, bureau, batches.first)).includes(unitId), 'the unit is back in batch 1');
  assert.ok((await scopeVehicleIds(server, bureau, batches.second)).includes(vehicleId), 'the vehicle is back in batch 2');
  assert.deepEqual(browser.problems, []);
}
