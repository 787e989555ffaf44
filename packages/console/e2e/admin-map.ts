import fs from 'node:fs';
import assert from 'node:assert/strict';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/** Drives the bureau administrator's first log-in, the dashboard, the live map with a vehicle's panel and its track. */
export async function adminSeesVehicles(server: TestServer, browser: TestBrowser): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'admin');

  // First log-in: the one-time password must be replaced before anything else.
  await page.waitForURL('**/password');
  await screenshot(page, 'password-change');
  await field(page, 'current-password').fill('Kashgar-Test-2026');
  await field(page, 'new-password').fill('short');
  await field(page, 'repeat-password').fill('short');
  await page.locator('[data-test=password-submit]').click();
  await page.getByText('新密码至少 10 位').waitFor();
  await field(page, 'new-password').fill('Kashgar-Admin-2027');
  await field(page, 'repeat-password').fill('Kashgar-Admin-2027');
  await page.locator('[data-test=password-submit]').click();

  await page.waitForURL('**/dashboard');
  await page.waitForFunction(() => Number(document.querySelector('[data-test=stat-online] .el-statistic__number')?.textContent) >= 24, null, { timeout: 15_000 });
  const total = Number(await page.locator('[data-test=stat-total] .el-statistic__number').innerText());
  assert.ok(total >= 100, `dashboard total ${total}`);
  await screenshot(page, 'dashboard');

  await page.locator('[data-test=menu-map]').click();
  await page.waitForURL('**/map');
  // Clustered or single, every simulated vehicle with a position is on the map.
  await page.locator('.vehicle-cluster, .vehicle-dot.moving, .vehicle-dot.stopped').first().waitFor({ timeout: 15_000 });
  // Leadership vehicles show only positions older than 30 minutes, so a fresh fleet has fewer on the map.
  const { items } = await server.call<{ items: { plate: string; usageNature: string | null; lastPosition: { time: string } | null; positionAccess: string; terminal: { online: boolean } | null }[] }>(await server.token('admin', 'Kashgar-Admin-2027'), 'GET', '/api/vehicles');
  const positioned = items.filter((v) => v.lastPosition !== null);
  assert.ok(positioned.length >= 12, `vehicles with a position: ${positioned.length}`);
  await page.locator('[data-test=vehicle-count]').getByText(`${positioned.length} / ${items.length}`).waitFor({ timeout: 10_000 });
  await screenshot(page, 'live-map');

  // Filter to the plate of a vehicle that reports now (a simulated terminal) and open its panel.
  const reporting = positioned.find((v) => v.positionAccess === 'live' && v.terminal?.online && Date.now() - Date.parse(v.lastPosition!.time) < 60_000);
  assert.ok(reporting, 'a simulated vehicle reports live');
  const plate = reporting.plate;
  await field(page, 'filter-plate').fill(plate);
  await field(page, 'filter-plate').press('Enter');
  await page.locator('[data-test=vehicle-panel]').waitFor();
  assert.equal(await page.locator('[data-test=panel-plate]').innerText(), plate);
  // From here on, every load of the vehicle list is recorded.
  const listLoads: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/vehicles') listLoads.push(request.url());
  });
  const lastReport = await page.locator('[data-test=panel-last-report]').innerText();
  assert.match(lastReport, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  // The demo terminals send no driver identity reports, so no card is inserted.
  assert.equal(await page.locator('[data-test=panel-driver]').innerText(), '未插卡');
  await screenshot(page, 'vehicle-panel');

  // The simulated terminal reports every 2 s. Its new position reaches the panel over the live
  // socket, because the list is reloaded only every 60 s while the socket is connected.
  await page.locator('[data-test=live-state]').getByText('实时推送').waitFor({ timeout: 10_000 });
  await page.waitForFunction((before) => document.querySelector('[data-test=panel-last-report]')?.textContent !== before, lastReport, { timeout: 10_000 });
  assert.deepEqual(listLoads, [], 'the last report changed without a reload of GET /api/vehicles');

  // Track playback of the same vehicle over the last hour, played and exported as GeoJSON.
  await page.locator('[data-test=vehicle-panel]').getByRole('button', { name: '查看轨迹' }).click();
  await page.waitForURL('**/track?vehicle=*');
  await page.locator('[data-test=track-info]').getByText(/\d+ 个定位点/).waitFor({ timeout: 10_000 });
  await page.locator('[data-test=track-play]').click();
  await page.locator('[data-test=track-current]').waitFor();
  await page.waitForTimeout(1500);
  await screenshot(page, 'track');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=track-export]').click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^${plate}-\\d{4}-\\d{2}-\\d{2}\\.geojson$`));
  const geojson = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as { type: string; features: unknown[] };
  assert.equal(geojson.type, 'FeatureCollection');
  assert.ok(geojson.features.length > 0);

  // A leadership vehicle waits for the reason: its hint shows, and 查询轨迹 reads no positions until a reason is given.
  const leader = items.find((v) => v.usageNature === '领导保障用车');
  assert.ok(leader, 'the demo fleet has a leadership vehicle');
  const positionReads: string[] = [];
  page.on('request', (request) => {
    if (/^\/api\/vehicles\/\d+\/positions$/.test(new URL(request.url()).pathname)) positionReads.push(request.url());
  });
  await page.locator('[data-test=track-vehicle]').click();
  await page.locator('.el-select-dropdown__item').getByText(leader.plate, { exact: true }).click();
  await page.locator('[data-test=track-reason-hint]').getByText('实时查看领导保障用车须说明理由').waitFor();
  await page.locator('[data-test=track-load]').click();
  await page.locator('[data-test=track-reason-hint]').getByText('请先填写查看理由').waitFor();
  assert.deepEqual(positionReads, []);
  await field(page, 'track-reason').fill('核查出车情况');
  const [read] = await Promise.all([
    page.waitForResponse((response) => /\/api\/vehicles\/\d+\/positions\?/.test(response.url())),
    page.locator('[data-test=track-load]').click(),
  ]);
  assert.equal(read.status(), 200);
  assert.match(read.url(), /reason=/);

  assert.deepEqual(browser.problems, []);
}
