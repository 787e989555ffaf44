import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';
import { driveToHotel, prepareHotelStop } from './alert-scenario.ts';

const hotelRule = '违规停放于娱乐场所、宾馆、饭店、景区等非公务场所';
// A 1×1 PNG: the server checks an attachment's content, not only its name.
const pngBytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function writeFile(name: string, content: Buffer | string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-upload-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Scrolls the console's main area back to the top, where the alert's map is. */
async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelector('.main')?.scrollTo(0, 0));
}

async function logOut(page: Page): Promise<void> {
  await page.locator('[data-test=logout]').click();
  await page.waitForURL('**/login');
}

/**
 * Drives the bureau's review of a negative-list finding. A simulated terminal parks a car at a
 * hotel for forty minutes while the bureau administrator watches the alert list, which the live
 * socket updates. The unit's operator explains the stop with an attachment. The administrator
 * then weighs the evidence on the map and dismisses the alert with a reason.
 */
export async function bureauReviewsAlert(server: TestServer, browser: TestBrowser, bureau: string): Promise<void> {
  const { page } = browser;
  const units = await server.call<{ items: { id: number; name: string }[] }>(bureau, 'GET', '/api/units');
  const unitId = units.items.find((unit) => unit.name === '中共喀什地委政法委员会')!.id;
  await server.addUser({ username: 'opalert', role: 'unit_operator', unitId });
  const stop = await prepareHotelStop(server, bureau, unitId);

  // The administrator watches the alert list while the car parks at the hotel.
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-alerts]').click();
  await page.waitForURL('**/alerts');
  await page.locator('[data-test=alert-feed-state]').getByText('实时推送已连接').waitFor({ timeout: 20_000 });
  await driveToHotel(stop);
  // The rules engine detects the stop after the minimum dwell, which has taken over 30 s on a loaded CI machine.
  await page.locator('.alert-notification').filter({ hasText: `${stop.plate} · ${hotelRule}` }).waitFor({ timeout: 90_000 });
  const row = page.locator('[data-test=alert-table] .alert-row').filter({ hasText: hotelRule }).filter({ hasText: stop.plate });
  await row.waitFor({ timeout: 20_000 });
  await screenshot(page, 'alert-list');
  stop.terminal.close();

  const { items } = await server.call<{ items: { id: number; evidence: { placeId: number | null } }[] }>(bureau, 'GET', `/api/alerts?vehicleId=${stop.vehicleId}&rule=non_official_place`);
  assert.equal(items.length, 1, 'one alert for the one stop at the hotel');
  const alertId = items[0]!.id;
  const detail = await server.call<{ evidenceResolved: { place: { name: string; category: string } } }>(bureau, 'GET', `/api/alerts/${alertId}`);
  assert.equal(detail.evidenceResolved.place.category, 'hotel');
  await logOut(page);

  // The unit's operator explains the stop, first with a file whose content does not match its name.
  await logIn(page, server.baseUrl, 'opalert');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-alerts]').click();
  await page.locator('[data-test=alert-table] .alert-row').filter({ hasText: hotelRule }).click();
  await page.waitForURL(`**/alerts/${alertId}`);
  await page.locator('[data-test=alert-state]').getByText('待说明').waitFor();
  await page.locator('[data-test=review-explain]').click();
  await page.locator('[data-test=review-submit]').click();
  await page.getByText('请填写情况说明').waitFor();
  await field(page, 'review-text').fill('当天在该宾馆参加地区政法工作会议，会议通知见附件。');
  const upload = page.locator('[data-test=review-upload] input[type=file]');
  await upload.setInputFiles(writeFile('会议通知.png', 'not a picture'));
  await page.getByText('附件类型不支持或与文件内容不符').waitFor();
  await upload.setInputFiles(writeFile('会议通知.png', pngBytes));
  await page.locator('[data-test=review-attachment]').getByText('会议通知.png').waitFor();
  await screenshot(page, 'alert-explain');
  await page.locator('[data-test=review-submit]').click();
  await page.locator('[data-test=alert-state]').getByText('已说明').waitFor();
  await page.locator('[data-test=alert-attachments]').getByText('会议通知.png').waitFor();
  await logOut(page);

  // The administrator weighs the evidence on the map and dismisses the alert with a reason.
  await logIn(page, server.baseUrl, 'bureau');
  await page.waitForURL('**/dashboard');
  await page.goto(`${server.baseUrl}/alerts/${alertId}`);
  await page.locator('[data-test=alert-state]').getByText('已说明').waitFor();
  await page.locator('.evidence-place-label').getByText(detail.evidenceResolved.place.name).waitFor();
  assert.equal(await page.locator('[data-test=alert-map] canvas').count() > 0, true, 'the evidence is drawn on the map canvas');
  assert.equal(await page.locator('[data-test=timeline-place]').innerText(), detail.evidenceResolved.place.name);
  await page.locator('[data-test=timeline-order]').getByText('该时段无已批准的派车单').waitFor();
  assert.match(await page.locator('[data-test=alert-facts]').innerText(), /停留判定阈值\s+30 分 0 秒/);
  await page.locator('[data-test=timeline-frames] summary').click();
  assert.match(await page.locator('[data-test=frame-hex]').first().innerText(), /^02 00 00 1c /);
  await page.locator('[data-test=timeline-frames] summary').click();
  await scrollToTop(page);
  await screenshot(page, 'alert-review');

  await page.locator('[data-test=review-dismiss]').click();
  await page.locator('[data-test=review-submit]').click();
  await page.getByText('请填写排除理由').waitFor();
  await field(page, 'review-text').fill('会议通知属实，停留时间与会议时间一致，不构成违规。');
  await page.locator('[data-test=review-submit]').click();
  await page.locator('[data-test=alert-state]').getByText('已排除').waitFor();
  await page.locator('[data-test=review-waiting]').getByText('核查已结束').waitFor();
  const history = (await page.locator('[data-test=alert-history]').allInnerTexts()).join('\n');
  assert.match(history, /待说明 → 已说明/);
  assert.match(history, /已说明 → 已排除/);
  await scrollToTop(page);
  await screenshot(page, 'alert-dismissed');

  assert.deepEqual(browser.problems, []);
}
