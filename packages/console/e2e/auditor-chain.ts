import assert from 'node:assert/strict';
import { base32Decode, totp } from '../../platform/src/security/totp.ts';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

const newPassword = 'Audit-Trail-2027';

/** Drives an auditor's first log-in (password change, TOTP enrolment), the chain verification and a log-in with the code. */
export async function auditorVerifiesChain(server: TestServer, browser: TestBrowser): Promise<void> {
  const { page } = browser;
  await logIn(page, server.baseUrl, 'auditor');
  await page.waitForURL('**/password');
  await field(page, 'current-password').fill('Kashgar-Test-2026');
  await field(page, 'new-password').fill(newPassword);
  await field(page, 'repeat-password').fill(newPassword);
  await page.locator('[data-test=password-submit]').click();

  // The auditor's role needs a second factor before anything else.
  await page.waitForURL('**/totp');
  await page.locator('[data-test=totp-start]').click();
  const secret = (await page.locator('[data-test=totp-secret]').innerText()).trim();
  await screenshot(page, 'totp-enrol');
  await field(page, 'totp-enable-code').fill('000000');
  await page.locator('[data-test=totp-enable]').click();
  await page.locator('[data-test=totp-error]').getByText('动态验证码错误').waitFor();
  await field(page, 'totp-enable-code').fill(totp(base32Decode(secret), Date.now()));
  await page.locator('[data-test=totp-enable]').click();

  await page.waitForURL('**/audit');
  assert.deepEqual(await page.locator('[data-test=menu-audit]').count(), 1);
  assert.deepEqual(await page.locator('[data-test=menu-map]').count(), 0);
  await page.locator('[data-test=audit-verify]').click();
  await page.locator('[data-test=audit-chain-state]').getByText('审计链完整').waitFor();
  const entries = Number(await page.locator('[data-test=audit-entries]').innerText());
  assert.ok(entries >= 3, `audit entries: ${entries}`);
  await page.locator('[data-test=audit-table]').getByText('audit.verified').first().waitFor();
  await screenshot(page, 'audit-verified');

  // English is a switch away, and the choice survives a reload.
  await page.locator('.locale').click();
  await page.locator('.el-select-dropdown__item').getByText('English').click();
  await page.locator('[data-test=audit-verify]').getByText('Verify audit chain').waitFor();
  await page.reload();
  await page.locator('[data-test=menu-audit]').getByText('Audit log').waitFor();
  await page.locator('.locale').click();
  await page.locator('.el-select-dropdown__item').getByText('简体中文').click();
  await page.locator('[data-test=menu-audit]').getByText('审计日志').waitFor();

  // The next log-in requests the authenticator code after the password. A code is accepted only
  // once, so the test takes the next 30-second step's code, which the server's window accepts.
  await page.locator('[data-test=logout]').click();
  await page.waitForURL('**/login');
  await logIn(page, server.baseUrl, 'auditor', newPassword);
  await field(page, 'totp-code').waitFor();
  await screenshot(page, 'login-totp');
  await field(page, 'totp-code').fill(totp(base32Decode(secret), Date.now() + 30_000));
  await page.locator('[data-test=login-submit]').click();
  await page.waitForURL('**/audit');
  assert.deepEqual(browser.problems, []);
}
