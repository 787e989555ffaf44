import { after, before, test } from 'node:test';
import { launchBrowser, startServer, type TestBrowser, type TestServer } from './harness.ts';
import { installerUnit, unitWithReviewedForm } from './rollout-data.ts';
import { bureauCreatesBatch, bureauIssuesLettersAndWorkOrders } from './bureau-rollout.ts';
import { bureauAssignsBatchByHand } from './batch-overrides.ts';
import { adminSeesVehicles } from './admin-map.ts';
import { operatorSubmitsForm } from './operator-registration.ts';
import { installerCompletesWorkOrder } from './installer-work-order.ts';
import { auditorVerifiesChain } from './auditor-chain.ts';
import { reviewersApproveForm } from './reviews.ts';
import { bureauReviewsAlert } from './admin-alert-review.ts';
import { bureauDrawsPlace } from './admin-places.ts';
import { securityAdminManagesKeys } from './security-admin.ts';
import { bureauPreviewsReplay } from './admin-rules-replay.ts';
import { bureauAcceptsAndPublishes } from './bureau-acceptance.ts';
import { bureauImportsRegistrationForm, bureauUnbindsTerminal } from './registry.ts';

// One platform with the demo fleet (24 simulated terminals) serves every role's test; each test
// gets its own browser profile, so no session carries over.
let server: TestServer;
let bureau: string;
let batchId: number;
let operatorUnitId: number | undefined;

before(async () => {
  server = await startServer({
    demo: { vehicles: 24 },
    users: [
      { username: 'admin', role: 'bureau_admin', mustChangePassword: true },
      { username: 'bureau', role: 'bureau_admin' },
      { username: 'installer', role: 'installer' },
      { username: 'secrecy', role: 'secrecy_reviewer' },
      { username: 'auditor', role: 'auditor', mustChangePassword: true },
    ],
  });
  bureau = await server.token('bureau');
});
after(async () => {
  await server?.close();
});

async function withBrowser(viewport: { width: number; height: number } | undefined, run: (browser: TestBrowser) => Promise<void>): Promise<void> {
  const browser = await launchBrowser(viewport);
  try {
    await run(browser);
  } finally {
    await browser.close();
  }
}

test('admin sees vehicles on the map', () => withBrowser(undefined, (browser) => adminSeesVehicles(server, browser)));

test('bureau admin creates an installation batch', () => withBrowser(undefined, async (browser) => {
  batchId = await bureauCreatesBatch(server, browser, bureau);
}));

test('bureau admin assigns a batch by hand', () => withBrowser(undefined, (browser) => bureauAssignsBatchByHand(server, browser, bureau)));

test('unit operator submits a registration form', async () => {
  const units = await server.call<{ items: { id: number; name: string }[] }>(bureau, 'GET', '/api/units');
  const unitId = units.items.find((unit) => unit.name === '中共喀什地委办公室')!.id;
  await server.addUser({ username: 'operator', role: 'unit_operator', unitId });
  await withBrowser(undefined, (browser) => operatorSubmitsForm(server, browser, bureau, unitId));
  operatorUnitId = unitId;
});

test('bureau and Secrecy Bureau review the form', () => reviewersApproveForm(server, () => launchBrowser(), bureau, operatorUnitId!));

test('bureau admin issues reply letters and work orders', async () => {
  const { unitId } = await unitWithReviewedForm(server, bureau, batchId, installerUnit.name, installerUnit.plates);
  await withBrowser(undefined, (browser) => bureauIssuesLettersAndWorkOrders(server, browser, bureau, batchId, { operatorUnitId: operatorUnitId!, newUnitId: unitId }));
});

test('installer completes a work order on a phone', () => withBrowser({ width: 390, height: 844 }, (browser) => installerCompletesWorkOrder(server, browser)));

test('auditor verifies the audit chain', () => withBrowser(undefined, (browser) => auditorVerifiesChain(server, browser)));

test('security admin rotates a key and resets a second factor', () => withBrowser(undefined, (browser) => securityAdminManagesKeys(server, browser)));

test('bureau admin reviews an alert on the map', () => withBrowser(undefined, (browser) => bureauReviewsAlert(server, browser, bureau)));

test('bureau admin draws a place on the map', () => withBrowser(undefined, (browser) => bureauDrawsPlace(server, browser, bureau)));

test('bureau admin previews a rules replay', () => withBrowser(undefined, (browser) => bureauPreviewsReplay(server, browser, bureau)));

test('bureau admin checks acceptance and publishes a bulletin', () => withBrowser(undefined, (browser) => bureauAcceptsAndPublishes(server, browser, bureau)));

test('bureau admin unbinds a terminal', () => withBrowser(undefined, (browser) => bureauUnbindsTerminal(server, browser, bureau)));
test('bureau admin imports a registration form', () => withBrowser(undefined, (browser) => bureauImportsRegistrationForm(server, browser, bureau)));
