import assert from 'node:assert/strict';
import { base32Decode, totp } from '../../platform/src/security/totp.ts';
import { blobKeyId } from '../../platform/src/crypto/envelope.ts';
import { field, initialPassword, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/** Enrols TOTP for a user through the API, as the user would on the enrolment page. */
async function enrolThroughApi(server: TestServer, username: string): Promise<string> {
  const token = await server.token(username);
  const { secret } = await server.call<{ secret: string }>(token, 'POST', '/api/auth/totp/setup');
  await server.call(token, 'POST', '/api/auth/totp/enable', { code: totp(base32Decode(secret), Date.now()) });
  return token;
}

/** Polls until the newest raw frame of the running platform is sealed under the data key `keyId`. */
async function waitForFrameSealedUnder(server: TestServer, keyId: number, timeoutMs = 30_000): Promise<void> {
  const newest = server.platform.store.sqlite.prepare('SELECT sealed FROM raw_frames ORDER BY id DESC LIMIT 1');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = newest.get() as { sealed: Buffer } | undefined;
    if (row && blobKeyId(row.sealed) === keyId) return;
    if (Date.now() > deadline) throw new Error(`no raw frame sealed under data key ${keyId} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Drives a security administrator's first log-in (TOTP enrolment with the QR code), a data key
 * rotation and the reset of another administrator's second factor.
 */
export async function securityAdminManagesKeys(server: TestServer, browser: TestBrowser): Promise<void> {
  await server.addUser({ username: 'security', role: 'security_admin' });
  await server.addUser({ username: 'sysadmin2', role: 'sys_admin' });
  const lostDeviceToken = await enrolThroughApi(server, 'sysadmin2');

  const { page } = browser;
  await logIn(page, server.baseUrl, 'security');

  // The role needs a second factor first. The page shows the secret as a QR code beside the typed secret.
  await page.waitForURL('**/totp');
  await page.locator('[data-test=totp-start]').click();
  const qr = page.locator('[data-test=totp-qr]');
  await qr.waitFor();
  assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
  await page.waitForFunction(() => {
    const image = document.querySelector<HTMLImageElement>('[data-test=totp-qr]');
    return image !== null && image.complete && image.naturalWidth > 0;
  });
  const secret = (await page.locator('[data-test=totp-secret]').innerText()).trim();
  await field(page, 'totp-enable-code').fill(totp(base32Decode(secret), Date.now()));
  await page.locator('[data-test=totp-enable]').click();

  // The security page is the role's only page.
  await page.waitForURL('**/security');
  assert.equal(await page.locator('[data-test=menu-security]').count(), 1);
  assert.equal(await page.locator('[data-test=menu-users]').count(), 0);
  assert.equal(await page.locator('[data-test=menu-audit]').count(), 0);
  assert.equal(await page.locator('[data-test=menu-map]').count(), 0);

  // Keys: the demo fleet's frames are sealed under the active key, and rotating makes a new one.
  const keyRows = page.locator('[data-test=keys-table] .el-table__body tr');
  await keyRows.first().waitFor();
  const activeBefore = server.platform.store.sqlite.prepare('SELECT id FROM data_keys WHERE retired_at IS NULL').get() as { id: number };
  await page.locator(`[data-test=key-state-${activeBefore.id}]`).getByText('使用中').waitFor();
  const keysBefore = await keyRows.count();
  await page.locator('[data-test=keys-rotate]').click();
  const confirmRotate = page.locator('.el-message-box');
  await confirmRotate.getByText('已有数据不受影响').waitFor();
  await confirmRotate.getByRole('button', { name: '确定' }).click();
  await page.locator(`[data-test=key-state-${activeBefore.id}]`).getByText('已停用').waitFor();
  const newKeyId = (server.platform.store.sqlite.prepare('SELECT id FROM data_keys WHERE retired_at IS NULL').get() as { id: number }).id;
  assert.ok(newKeyId > activeBefore.id, `new key ${newKeyId} after ${activeBefore.id}`);
  await page.locator(`[data-test=key-state-${newKeyId}]`).getByText('使用中').waitFor();
  assert.equal(await keyRows.count(), keysBefore + 1);
  await waitForFrameSealedUnder(server, newKeyId);

  // Second factors: reset the one of an administrator who lost the phone.
  await page.locator('[data-test=factor-state-sysadmin2]').getByText('已启用').waitFor();
  await page.locator('[data-test=factor-state-security]').getByText('已启用').waitFor();
  await page.locator('[data-test=factor-reset-sysadmin2]').click();
  const confirmReset = page.locator('.el-message-box');
  await confirmReset.getByText('所有会话立即结束').waitFor();
  await confirmReset.getByRole('button', { name: '确定' }).click();
  await page.locator('[data-test=factor-state-sysadmin2]').getByText('待启用（必须）').waitFor();
  assert.equal(await page.locator('[data-test=factor-reset-sysadmin2]').count(), 0);
  await page.locator('[data-test=security-settings]').getByText('SM4-CTR + HMAC-SM3').waitFor();
  await screenshot(page, 'security-admin');

  // The reset ended the user's sessions, and the next log-in requires a new enrolment.
  await assert.rejects(server.call(lostDeviceToken, 'GET', '/api/auth/me'), /HTTP 401/);
  const relogin = await fetch(`${server.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'sysadmin2', password: initialPassword }),
  });
  assert.equal(relogin.status, 200);
  assert.equal(((await relogin.json()) as { mustEnrolTotp: boolean }).mustEnrolTotp, true);

  // Both actions are in the audit log under the security administrator's name.
  const audit = server.platform.store.sqlite.prepare("SELECT action, object_id FROM audit_log WHERE actor_username = 'security' AND action IN ('keys.rotated', 'user.totp_reset') ORDER BY seq").all() as { action: string; object_id: string }[];
  assert.deepEqual(audit.map((entry) => entry.action), ['keys.rotated', 'user.totp_reset']);
  assert.equal(audit[0]!.object_id, String(newKeyId));
  const target = server.platform.store.sqlite.prepare("SELECT id FROM users WHERE username = 'sysadmin2'").get() as { id: number };
  assert.equal(audit[1]!.object_id, String(target.id));
  assert.deepEqual(browser.problems, []);
}
