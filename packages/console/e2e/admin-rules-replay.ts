import assert from 'node:assert/strict';
import { logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/**
 * Previews a re-evaluation of the last seven days from the rules page as the bureau
 * administrator, waits for the progress bar to finish and checks the counts, then stores the results.
 */
export async function bureauPreviewsReplay(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-rules]').click();
  await page.waitForURL('**/rules');
  await page.getByText('请点击右侧的“重新评估历史数据”按钮').waitFor();

  await page.locator('[data-test=rules-replay]').click();
  const dialog = page.locator('[data-test=replay-dialog]');
  await dialog.getByText('只预览不保存').waitFor();
  // The dry-run switch is on by default, so the start button offers a preview.
  await dialog.locator('[data-test=replay-start]').filter({ hasText: '开始预览' }).click();
  await dialog.locator('[data-test=replay-done]').getByText('预览完成，未保存任何数据').waitFor({ timeout: 60_000 });
  const progress = await dialog.locator('[data-test=replay-progress-text]').innerText();
  const [, done, total] = /已评估 (\d+) \/ (\d+) 辆车/.exec(progress) ?? [];
  assert.ok(Number(total) > 0, progress);
  assert.equal(done, total, progress);
  const positions = Number(await dialog.locator('[data-test=replay-count-positions]').innerText());
  const vehicles = Number(await dialog.locator('[data-test=replay-count-vehicles]').innerText());
  assert.ok(positions > 0, `the demo fleet's positions were evaluated, found ${positions}`);
  assert.ok(vehicles > 0, `the demo fleet's vehicles were evaluated, found ${vehicles}`);
  await screenshot(page, 'rules-replay');

  const { items } = await server.call<{ items: { state: string; dryRun: boolean; result: { positions: number } | null }[] }>(bureau, 'GET', '/api/rules/replays');
  assert.equal(items[0]?.state, 'done');
  assert.equal(items[0]?.dryRun, true);
  assert.equal(items[0]?.result?.positions, positions, 'the dialog shows the server\'s count');

  // Storing what the preview counted starts a second replay of the same period.
  await dialog.locator('[data-test=replay-apply]').click();
  await dialog.locator('[data-test=replay-done]').getByText('重新评估完成，结果已保存').waitFor({ timeout: 60_000 });
  const after = await server.call<{ items: { state: string; dryRun: boolean; from: string; startedBy: string }[] }>(bureau, 'GET', '/api/rules/replays');
  assert.equal(after.items.length, 2);
  assert.equal(after.items[0]?.state, 'done');
  assert.equal(after.items[0]?.dryRun, false);
  assert.equal(after.items[0]?.from, after.items[1]?.from, 'the same period as the preview');
  assert.equal(after.items[0]?.startedBy, 'bureau');
  assert.deepEqual(browser.problems, []);
}
