import assert from 'node:assert/strict';
import { SimulatedFleet } from '../../platform/src/simulator/fleet.ts';
import { createLogger } from '../../platform/src/logger.ts';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';
import { installerUnit } from './rollout-data.ts';

const { plates } = installerUnit;
const terminalPhone = '013977100001';

/**
 * Binds a terminal to a work order as an installer on a phone, then lets the simulated terminal
 * come online and complete it. The work orders of installerUnit are created beforehand by the bureau.
 */
export async function installerCompletesWorkOrder(server: TestServer, browser: TestBrowser): Promise<void> {
  const bureau = await server.token('bureau');
  const { page } = browser;
  await logIn(page, server.baseUrl, 'installer');
  await page.waitForURL('**/rollout/work-orders');
  await page.locator(`[data-test="work-order-${plates[0]}"]`).waitFor();
  assert.equal(await page.locator('[data-test^=work-order-新Q]').count(), 2);
  await screenshot(page, 'work-orders');

  // The work order has its own address: the phone's back button returns to the list.
  await page.locator(`[data-test="work-order-${plates[0]}"]`).click();
  await page.waitForURL(/\/rollout\/work-orders\/\d+$/);
  await page.goBack();
  await page.waitForURL(/\/rollout\/work-orders$/);
  await page.locator(`[data-test="work-order-${plates[1]}"]`).waitFor();
  await page.locator(`[data-test="work-order-${plates[0]}"]`).click();
  await page.waitForURL(/\/rollout\/work-orders\/\d+$/);

  await field(page, 'bind-phone').fill(terminalPhone);
  await field(page, 'bind-terminal-id').fill('GC7100001');
  await field(page, 'bind-imei').fill('86000000710001');
  await field(page, 'bind-iccid').fill('8986000000007100001');
  await field(page, 'bind-manufacturer').fill('GCSIM');
  await field(page, 'bind-model').fill('GC-SIM-1');
  await page.locator('[data-test=bind-submit]').click();
  // The IMEI has 14 digits: the form names the field before sending anything.
  await page.getByText('IMEI 为 15 位数字').waitFor();
  await field(page, 'bind-imei').fill('860000007100011');
  await field(page, 'bind-imei').press('Tab');
  await page.getByText('IMEI 为 15 位数字').waitFor({ state: 'hidden' });
  await screenshot(page, 'work-order-bind');

  // A SIM number copied from another car's terminal: the server rejects it with a Chinese message that names the next step.
  const demoPhone = (await server.call<{ items: { phone: string; vehicleId: number | null }[] }>(bureau, 'GET', '/api/terminals')).items.find((t) => t.vehicleId !== null)!.phone;
  await field(page, 'bind-phone').fill(demoPhone);
  await page.locator('[data-test=bind-submit]').click();
  await page.locator('[data-test=bind-error]').getByText(`SIM 卡号 ${demoPhone} 已绑定在其他车辆上。请核对是否抄错；如确需移装，请联系机关事务管理局先解绑。`).waitFor();
  await field(page, 'bind-phone').fill(terminalPhone);
  await page.locator('[data-test=bind-submit]').click();
  await page.getByText('等待终端上线并上报定位').waitFor();

  // The installed terminal powers on: it registers, authenticates and reports over JT/T 808.
  const fleet = new SimulatedFleet({
    host: '127.0.0.1',
    port: server.platform.jt808Port,
    members: [{ phone: terminalPhone, plate: plates[0] }],
    edition: '2013',
    intervalS: 1,
    logger: createLogger({ level: 'silent' }),
  });
  fleet.start();
  try {
    await page.locator('[data-test=work-order-done]').waitFor({ timeout: 20_000 });
  } finally {
    await fleet.stop();
  }
  assert.equal(await page.locator('[data-test=work-order-state]').innerText(), '已完成');
  await screenshot(page, 'work-order-done');

  const orders = await server.call<{ items: { plate: string; state: string; terminal: { phone: string; imei: string } | null }[] }>(bureau, 'GET', '/api/rollout/work-orders');
  const order = orders.items.find((o) => o.plate === plates[0])!;
  assert.equal(order.state, 'completed');
  assert.equal(order.terminal?.phone, terminalPhone);
  assert.equal(order.terminal?.imei, '860000007100011');
  assert.equal(orders.items.find((o) => o.plate === plates[1])!.state, 'open');
  assert.deepEqual(browser.problems, []);
}
