import assert from 'node:assert/strict';
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
