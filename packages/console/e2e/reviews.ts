import assert from 'node:assert/strict';
import { field, logIn, screenshot, type TestBrowser, type TestServer } from './harness.ts';

/**
 * Drives the joint review of a submitted form with one exempt vehicle. The bureau approves in its
 * inbox, then the Secrecy Bureau, which reads only the exempt list, approves the exemption.
 */
export async function reviewersApproveForm(server: TestServer, openBrowser: () => Promise<TestBrowser>, bureau: string, unitId: number): Promise<void> {
  const form = (await server.call<{ items: { id: number; unitId: number }[] }>(bureau, 'GET', '/api/rollout/forms')).items.find((f) => f.unitId === unitId)!;

  const admin = await openBrowser();
  try {
    await logIn(admin.page, server.baseUrl, 'bureau');
    await admin.page.locator('[data-test=menu-reviews]').click();
    await admin.page.locator(`[data-test=review-${form.id}]`).click();
    await field(admin.page, 'review-comment').fill('可');
    await admin.page.locator('[data-test=review-submit]').click();
    // Too short: the form names the rule before anything is sent.
    await admin.page.getByText('请填写至少 2 个字的意见').waitFor();
    await field(admin.page, 'review-comment').fill('同意该单位的安装登记');
    await field(admin.page, 'review-comment').press('Tab');
    await admin.page.getByText('请填写至少 2 个字的意见').waitFor({ state: 'hidden' });
    await screenshot(admin.page, 'review-dialog');
    await admin.page.locator('[data-test=review-submit]').click();
    await admin.page.getByText('意见已提交').waitFor();
    // The inbox reloads after the opinion: the form leaves it, since the Secrecy Bureau is next.
    await admin.page.locator(`[data-test=review-${form.id}]`).waitFor({ state: 'detached' });
    assert.deepEqual(admin.problems, []);
  } finally {
    await admin.close();
  }

  const secrecy = await openBrowser();
  try {
    await logIn(secrecy.page, server.baseUrl, 'secrecy');
    await secrecy.page.waitForURL('**/rollout/reviews');
    assert.deepEqual(await secrecy.page.locator('.el-menu-item').allInnerTexts(), ['审核待办']);
    await secrecy.page.locator(`[data-test=review-${form.id}]`).waitFor();
    await screenshot(secrecy.page, 'review-inbox');
    await secrecy.page.locator(`[data-test=review-${form.id}]`).click();
    await field(secrecy.page, 'review-comment').fill('同意暂不安装');
    await secrecy.page.locator('[data-test=review-submit]').click();
    await secrecy.page.getByText('意见已提交').waitFor();
    assert.deepEqual(secrecy.problems, []);
  } finally {
    await secrecy.close();
  }

  const reviewed = await server.call<{ state: string; reviews: { stage: string; decision: string; sealText: string }[] }>(bureau, 'GET', `/api/rollout/forms/${form.id}`);
  assert.equal(reviewed.state, 'reviewed');
  assert.deepEqual(reviewed.reviews.map((r) => [r.stage, r.decision, r.sealText]), [
    ['bureau', 'approve', '（喀什地区机关事务管理局印章）'],
    ['secrecy', 'approve', '（喀什地区保密局印章）'],
  ]);
}
