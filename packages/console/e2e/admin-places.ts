import assert from 'node:assert/strict';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/** Draws a hotel on the places map as the bureau administrator, stores it, then opens the holiday calendar's year view. */
export async function bureauDrawsPlace(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-places]').click();
  await page.waitForURL('**/places');

  // Four corners, then the first one again to close the outline.
  await page.locator('[data-test=place-draw-polygon]').click();
  const box = (await page.locator('[data-test=place-map]').boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  for (const [dx, dy] of [[-50, -30], [50, -30], [50, 30], [-50, 30], [-50, -30]] as const) await page.mouse.click(x + dx, y + dy);
  await page.locator('[data-test=place-shape]').getByText('多边形，4 个顶点').waitFor();

  // The name is required; the category defaults to hotel.
  await page.locator('[data-test=place-save]').click();
  await page.getByText('请填写名称').waitFor();
  await field(page, 'place-name').fill('喀什某酒店（画图测试）');
  await page.locator('[data-test=place-save]').click();
  await page.locator('[data-test=place-panel]').getByText('来源：手工录入').waitFor();
  await screenshot(page, 'places-draw');

  const { items } = await server.call<{ items: { name: string; category: string; shape: { kind: string; rings: number[][][] } }[] }>(bureau, 'GET', `/api/places?name=${encodeURIComponent('画图测试')}`);
  assert.equal(items.length, 1);
  assert.equal(items[0]!.category, 'hotel');
  assert.equal(items[0]!.shape.kind, 'polygon');
  assert.equal(items[0]!.shape.rings[0]!.length >= 4, true, 'four corners stored');

  await page.locator('[data-test=menu-calendar]').click();
  await page.waitForURL('**/calendar');
  await page.locator('[data-test=calendar-months] [data-date]').first().waitFor();
  await screenshot(page, 'calendar');

  assert.deepEqual(browser.problems, []);
}
