import assert from 'node:assert/strict';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/** Fills the registration form of batch 1 as a unit operator, checks the listed problems, and submits it. */
export async function operatorSubmitsForm(server: TestServer, browser: TestBrowser, bureau: string, unitId: number): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'operator');
  await page.waitForURL('**/dashboard');
  await page.locator('[data-test=menu-registration]').click();
  await page.waitForURL('**/rollout/registration');

  // The unit's vehicles in batch 1: the leadership vehicle of a deputy-division official is in batch 2.
  const rows = page.locator('[data-test=registration-lines] .el-table__body tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 3);

  // Inline validation: a wrong phone number is named before anything is sent.
  await field(page, 'staff-name').fill('阿依古丽');
  await field(page, 'staff-phone').fill('12345');
  await field(page, 'staff-name').click();
  await page.getByText('请输入 11 位手机号或带区号的固定电话').waitFor();
  // 检查 with an inline error sends nothing: the form requests counted below are only those of the next check.
  const formRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/rollout/forms')) formRequests.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  await page.locator('[data-test=registration-check]').click();
  await field(page, 'staff-phone').fill('0998-2812345');

  // One vehicle goes to the exempt list without a reason: the server's check names it.
  const exemptPlate = (await rows.nth(2).locator('td').first().innerText()).trim();
  await page.locator(`[data-test="line-list-${exemptPlate}"]`).getByText('暂不安装').click();
  await page.locator(`[data-test="line-reason-error-${exemptPlate}"]`).getByText('暂不安装的车辆必须填写原因').waitFor();
  await page.locator('[data-test=registration-check]').click();
  await page.locator('[data-test=registration-problems]').getByText(`以下暂不安装车辆缺少原因：${exemptPlate}`).waitFor();
  assert.equal(formRequests.length, 2, `one save and one validation, got ${formRequests.join(', ')}`);
  assert.match(formRequests[1]!, /^POST \/api\/rollout\/forms\/\d+\/validate$/);
  await screenshot(page, 'registration-form');

  await field(page, `line-reason-${exemptPlate}`).fill('涉及国家安全保密要求');
  assert.equal(await page.locator(`[data-test="line-reason-error-${exemptPlate}"]`).count(), 0, 'the hint under the reason goes once it is filled');
  await page.locator('[data-test=registration-check]').click();
  await page.locator('[data-test=registration-ready]').waitFor();
  await page.locator('[data-test=registration-submit]').click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  await page.locator('[data-test=registration-state]').getByText('审核中').waitFor();
  await screenshot(page, 'registration-submitted');

  const forms = await server.call<{ items: { unitId: number; state: string; staffPhone: string; exempt: { plate: string; exemptReason: string }[]; install: unknown[] }[] }>(bureau, 'GET', '/api/rollout/forms');
  const form = forms.items.find((f) => f.unitId === unitId)!;
  assert.equal(form.state, 'submitted');
  assert.equal(form.staffPhone, '0998-2812345');
  assert.deepEqual(form.exempt.map((line) => [line.plate, line.exemptReason]), [[exemptPlate, '涉及国家安全保密要求']]);
  assert.equal(form.install.length, 2);
  assert.deepEqual(browser.problems, []);
}
