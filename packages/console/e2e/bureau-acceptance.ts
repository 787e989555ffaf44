import fs from 'node:fs';
import assert from 'node:assert/strict';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';
import { firstBatch, unitWithWorkOrders } from './rollout-data.ts';

const unitName = '喀什地区审计局';
const plates = ['新Q72001', '新Q72002'];

/** Returns batch 1, created through the API when this test runs without the batch page's test. */
async function firstBatchId(server: TestServer, bureau: string): Promise<number> {
  const { items } = await server.call<{ items: { id: number; number: number }[] }>(bureau, 'GET', '/api/rollout/batches');
  const existing = items.find((batch) => batch.number === 1);
  if (existing) return existing.id;
  return (await server.call<{ id: number }>(bureau, 'POST', '/api/rollout/batches', firstBatch)).id;
}

/** Polls the coverage API until some vehicle of the demo fleet counts as installed. */
async function waitForCoverage(server: TestServer, bureau: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { rows } = await server.call<{ rows: { installed: number }[] }>(bureau, 'GET', '/api/rollout/coverage');
    if (rows.some((row) => row.installed > 0)) return;
    if (Date.now() > deadline) throw new Error('no vehicle counted as installed within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Walks the bureau administrator through acceptance and publication. The sign-off of a unit's
 * acceptance checklist is rejected with the failing plates in Chinese. The batch's installation
 * bulletin is then published and downloaded, and the dashboard shows a non-zero coverage.
 */
export async function bureauAcceptsAndPublishes(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const batchId = await firstBatchId(server, bureau);
  await unitWithWorkOrders(server, bureau, batchId, unitName, plates);
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');

  // Acceptance: the unit's vehicles have work orders but no terminal yet, so every check fails.
  await page.locator('[data-test=menu-acceptance]').click();
  await page.waitForURL('**/rollout/acceptance');
  await page.locator('[data-test=acceptance-units]').getByText(unitName).click();
  await page.locator(`[data-test="acceptance-result-${plates[0]}"]`).waitFor();
  assert.equal(await page.locator(`[data-test="acceptance-result-${plates[0]}"]`).innerText(), '未通过');
  assert.equal(await page.locator(`[data-test="acceptance-result-${plates[1]}"]`).innerText(), '未通过');
  await field(page, 'acceptance-remarks').fill('现场检查');
  await page.locator('[data-test=acceptance-sign]').click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  const failure = page.locator('[data-test=acceptance-failure]');
  await failure.waitFor();
  const rejection = await failure.innerText();
  assert.match(rejection, /以下车辆未通过验收清单/);
  for (const plate of plates) assert.ok(rejection.includes(plate), `the rejection names ${plate}: ${rejection}`);
  await screenshot(page, 'acceptance');

  // Bulletin: preview, publish, then view and download the published one.
  await page.locator('[data-test=menu-bulletins]').click();
  await page.waitForURL('**/rollout/bulletins');
  await page.locator('[data-test=bulletin-preview]').click();
  const previewRow = page.locator('[data-test=bulletin-rows] tr').filter({ hasText: unitName });
  await previewRow.waitFor();
  await screenshot(page, 'bulletins');
  await page.locator('[data-test=bulletin-publish]').click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  const published = page.locator('[data-test=published-bulletins] tbody tr');
  await published.first().getByText('第一批公务用车智能终端设备安装情况通报').waitFor();
  assert.equal(await published.count(), 1);
  const { items } = await server.call<{ items: { id: number; kind: string }[] }>(bureau, 'GET', `/api/rollout/bulletins?batchId=${batchId}`);
  const bulletinId = items.find((item) => item.kind === 'installation')!.id;
  await page.locator(`[data-test=bulletin-view-${bulletinId}]`).click();
  await page.locator('.el-dialog [data-test=bulletin-rows] tr').filter({ hasText: unitName }).waitFor();
  await page.keyboard.press('Escape');
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-test=bulletin-xlsx-${bulletinId}]`).click()]);
  assert.equal(file.suggestedFilename(), '第一批公务用车智能终端设备安装情况通报.xlsx');
  assert.equal(fs.readFileSync(await file.path()).subarray(0, 2).toString(), 'PK', 'an XLSX file is a ZIP archive');

  // Dashboard: the demo fleet's terminals are bound before any rollout and report valid fixes.
  await waitForCoverage(server, bureau);
  await page.locator('[data-test=menu-dashboard]').click();
  await page.waitForURL('**/dashboard');
  const total = page.locator('[data-test=coverage-total]');
  await total.waitFor();
  const text = await total.innerText();
  const [, rate, installed, should] = /覆盖率 (\d+)%（(\d+)\/(\d+)）/.exec(text) ?? [];
  assert.ok(Number(installed) > 0, `installed vehicles on the dashboard: ${text}`);
  assert.ok(Number(rate) > 0, `coverage rate on the dashboard: ${text}`);
  assert.ok(Number(should) >= Number(installed), text);
  assert.deepEqual(browser.problems, []);
}
