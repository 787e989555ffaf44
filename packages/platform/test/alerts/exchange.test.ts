import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { exportPackage } from '../../src/exchange/export.ts';
import { importPackage, importedRecords } from '../../src/exchange/import.ts';
import { verifyPackage } from '../../src/exchange/verify.ts';
import { saveAlert } from '../../src/alerts/sink.ts';
import { applyTransition } from '../../src/alerts/lifecycle.ts';
import { markNotReproduced } from '../../src/alerts/withdrawal.ts';
import { periodAlerts } from '../../src/exchange/records.ts';
import { createUser, toUser } from '../../src/security/users.ts';
import { openSite, periodFrom, periodTo, seedSender, type Site } from '../exchange/harness.ts';
import { alertDraft } from './harness.ts';

const actor = { userId: null, username: 'os:test' };
const minute = 60_000;

let sender: Site;
let receiver: Site;
let inPeriod: number;
let reviewedInPeriod: number;
let outside: number;
let seeded: Awaited<ReturnType<typeof seedSender>>['ids'];

async function userOf(site: Site, username: string, role: 'unit_operator' | 'bureau_admin', unitId: number | null) {
  await createUser(site.store.db, { username, role, unitId, password: 'Correct-Horse-9', mustChangePassword: false });
  return toUser(await site.store.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow());
}

before(async () => {
  [sender, receiver] = await Promise.all([openSite('alerts-sender'), openSite('alerts-receiver')]);
  const { ids } = await seedSender(sender.store);
  seeded = ids;
  const operator = await userOf(sender, 'unit.staff', 'unit_operator', ids.a.unitId);
  const bureau = await userOf(sender, 'bureau.reviewer', 'bureau_admin', null);

  inPeriod = (await saveAlert(sender.store.db, alertDraft(ids.a, { start: periodFrom + 10 * minute, end: periodFrom + 40 * minute, facts: { dwellS: 1800, placeName: '喀什某宾馆' } }), periodFrom + 41 * minute)).id;
  await sender.store.db
    .insertInto('alert_attachments')
    .values({ alert_id: inPeriod, file_name: '情况说明.pdf', media_type: 'application/pdf', size: 3, sha256: 'ab'.repeat(32), sealed: Buffer.from([1, 2, 3]), uploaded_by: operator.id, uploaded_at: periodFrom + 45 * minute })
    .execute();
  await applyTransition(sender.store.db, { alertId: inPeriod, action: 'explain', text: '接待任务', attachmentId: null, actor: operator, now: periodFrom + 50 * minute });

  // Started the day before; confirmed within the period, so the package carries it again.
  reviewedInPeriod = (await saveAlert(sender.store.db, alertDraft(ids.b, { rule: 'holiday_use', start: periodFrom - 86_400_000, end: periodFrom - 86_000_000 }), periodFrom - 86_000_000)).id;
  await applyTransition(sender.store.db, { alertId: reviewedInPeriod, action: 'confirm', text: '查实', attachmentId: null, actor: bureau, now: periodFrom + 20 * minute });

  outside = (await saveAlert(sender.store.db, alertDraft(ids.b, { start: periodTo + minute, end: periodTo + 2 * minute }), periodTo + 2 * minute)).id;
});
after(async () => Promise.all([sender.close(), receiver.close()]));

test('package carries alerts and review steps', async () => {
  const out = path.join(sender.dir, 'packages', 'with-alerts');
  const result = await exportPackage(sender.store, { from: periodFrom, to: periodTo, out, senderId: 'bureau-business', signingKey: sender.signingKey, receiverKey: receiver.encryptionPublic, actor });
  assert.equal(result.counts.alerts, 3, 'one emergency alarm and two alerts');

  const verified = verifyPackage(out, { senderKey: sender.signingPublic, receiverKey: { privateKey: receiver.encryptionKey, file: 'encryption.key' }, checkContents: true });
  assert.equal(verified.manifest.packageId, result.packageId, 'the signed package still verifies');

  const imported = importPackage(receiver.store, out, { senderKey: sender.signingPublic, receiverKey: { privateKey: receiver.encryptionKey, file: 'encryption.key' }, actor });
  const records = importedRecords(receiver.store, imported.packageId, 'alerts');
  assert.deepEqual(records.map((r) => r.type), ['emergency_alarm', 'alert', 'alert']);
  const alerts = records.filter((r) => r.type === 'alert') as { id: number; state: string; rule: string; facts: unknown; transitions: { from: string; to: string; actorRole: string; actorUsername: string; text: string }[]; attachments: { fileName: string; sha256: string }[] }[];
  assert.deepEqual(alerts.map((a) => a.id), [reviewedInPeriod, inPeriod], 'oldest start first');
  assert.equal(alerts.some((a) => a.id === outside), false);

  const [confirmed, explained] = alerts;
  assert.equal(confirmed!.state, 'confirmed');
  assert.deepEqual(confirmed!.transitions.map((t) => [t.from, t.to, t.actorRole, t.actorUsername]), [['pending', 'confirmed', 'bureau_admin', 'bureau.reviewer']]);
  assert.equal(explained!.state, 'explained');
  assert.equal(explained!.transitions[0]!.text, '接待任务');
  assert.deepEqual(explained!.facts, { dwellS: 1800, placeName: '喀什某宾馆' });
  assert.deepEqual(explained!.attachments.map((file) => file.fileName), ['情况说明.pdf']);
  assert.equal('content' in explained!.attachments[0]!, false, 'attachment contents stay on the sending network');
  assert.equal('actorUserId' in explained!.transitions[0]!, false);
});

test('later withdrawal travels in later package', async () => {
  const pending = (await saveAlert(sender.store.db, alertDraft(seeded.a, { start: periodFrom + 5 * minute, end: periodFrom + 15 * minute }), periodFrom + 16 * minute)).id;
  const nextFrom = periodTo;
  const nextTo = periodTo + 3_600_000;
  assert.equal((await periodAlerts(sender.store, nextFrom, nextTo)).some((a) => a.id === pending), false, 'unchanged, it belongs to its own period only');

  const detail = { reason: 'replay_not_reproduced' as const, settingsRevision: 'test', replayFrom: new Date(periodFrom).toISOString(), replayTo: new Date(periodTo).toISOString(), replayedAt: new Date(nextFrom + 30 * minute).toISOString() };
  assert.equal(markNotReproduced(sender.store, pending, detail, actor, nextFrom + 30 * minute), 'withdrawn');
  assert.equal(markNotReproduced(sender.store, inPeriod, detail, actor, nextFrom + 30 * minute), 'flagged');

  const next = await periodAlerts(sender.store, nextFrom, nextTo);
  assert.equal(next.find((a) => a.id === pending)?.state, 'withdrawn');
  assert.equal(next.find((a) => a.id === inPeriod)?.state, 'explained', 'a flagged alert keeps its review state');
  const later = await periodAlerts(sender.store, nextTo, nextTo + 3_600_000);
  assert.equal(later.some((a) => a.id === pending || a.id === inPeriod), false);
});
