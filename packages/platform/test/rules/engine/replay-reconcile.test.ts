import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/commands.ts';
import { replayHistory } from '../../../src/rules/engine/replay.ts';
import { negativeListDetectors } from '../../../src/rules/detectors/index.ts';
import { integrityDetectors } from '../../../src/rules/integrity/index.ts';
import { createLogger } from '../../../src/logger.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../../helpers/rules-harness.ts';
import { captureConsole } from '../../helpers/console.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import type { FixSpec } from '../../helpers/rules-harness.ts';

const detectors = [...negativeListDetectors, ...integrityDetectors] as Detector<unknown, unknown>[];

// A day ten days back: within the positions' retention, which the replay checks against the clock.
const dayMs = 86_400_000;
const day = new Date(Date.now() + 8 * 3_600_000 - 10 * dayMs).toISOString().slice(0, 10);
const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
const at = (time: string) => beijing(`${day} ${time}`);

let h: RulesHarness;
let admin: string;
before(async () => {
  h = await startRulesHarness();
  admin = await h.login('bureau_admin');
});
after(() => h.close());

/** Sets the base template's hotel dwell (minutes), or removes the template's hotel entry with null. */
async function setHotelDwell(minutes: number | null): Promise<void> {
  const templates = await h.request('GET', '/api/rules/templates', admin);
  const base = (templates.json.items as { id: number; usageNature: string | null; unitId: number | null; content: { detectors?: Record<string, unknown> } }[]).find((t) => t.usageNature === null && t.unitId === null)!;
  const detectors = { ...base.content.detectors };
  if (minutes === null) delete detectors.non_official_place;
  else detectors.non_official_place = { settings: { categories: { hotel: { minDwellMin: minutes } } } };
  const response = await h.request('PATCH', `/api/rules/templates/${base.id}`, admin, { content: { ...base.content, detectors } });
  assert.equal(response.status, 200, JSON.stringify(response.json));
}

async function replay(t: TestContext, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = captureConsole(t);
  const previous = process.env.GONGCHE_MASTER_KEY;
  process.env.GONGCHE_MASTER_KEY = h.masterKey;
  try {
    const code = await runCli(['rules', 'replay', '--data-dir', h.dir, ...args]);
    return { code, out: output.out(), err: output.err() };
  } finally {
    if (previous === undefined) delete process.env.GONGCHE_MASTER_KEY;
    else process.env.GONGCHE_MASTER_KEY = previous;
  }
}

/** Office, then an hour at the hotel from `start`, then back to the office. */
function hotelVisit(start: number): FixSpec[] {
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 60 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(atHotel) });
  return [...toHotel, ...atHotel, ...back, ...park({ at: kashgar.office, start: endOf(back), minutes: 20 })];
}

async function drivePlan(vehicle: TestVehicle, fixes: FixSpec[]): Promise<void> {
  const terminal = await h.connect(vehicle);
  await terminal.reports(fixes);
  terminal.close();
}

const hotelAlert = async (vehicleId: number) => {
  const alerts = await h.alerts({ vehicleId, rule: 'non_official_place' });
  assert.equal(alerts.length, 1, `one hotel alert for vehicle ${vehicleId}, found ${alerts.length}`);
  return alerts[0]!;
};

async function listed(query: string): Promise<{ id: number; state: string; notReproduced: { reason: string; settingsRevision: string } | null; withdrawnAt: string | null }[]> {
  const response = await h.request('GET', `/api/alerts?${query}`, admin);
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json.items;
}

async function auditActions(alertId: number): Promise<string[]> {
  const rows = await h.db.selectFrom('audit_log').select(['action', 'actor_username']).where('object_type', '=', 'alert').where('object_id', '=', String(alertId)).orderBy('seq').execute();
  return rows.map((row) => row.action);
}

test('replay withdraws, flags and reinstates', async (t) => {
  await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const pendingCar = await h.addVehicle();
  const reviewedCar = await h.addVehicle({ unitId: pendingCar.unitId });
  const lateCar = await h.addVehicle({ unitId: pendingCar.unitId });
  await drivePlan(pendingCar, [...park({ at: kashgar.office, start: at('09:00'), minutes: 20 }), ...hotelVisit(at('09:20'))]);
  await drivePlan(reviewedCar, [...park({ at: kashgar.office, start: at('13:00'), minutes: 20 }), ...hotelVisit(at('13:20'))]);
  // An hour at the hotel across midnight: the alert extends past the replayed day, so a replay of that day alone cannot judge it.
  await drivePlan(lateCar, [...park({ at: kashgar.office, start: at('23:00'), minutes: 20 }), ...hotelVisit(at('23:20'))]);
  await h.waitForRules();

  const pending = await hotelAlert(pendingCar.vehicleId);
  const reviewed = await hotelAlert(reviewedCar.vehicleId);
  const crossing = await hotelAlert(lateCar.vehicleId);
  assert.ok(crossing.end_at >= beijing(`${nextDay} 00:00`), 'the late visit ends after midnight');
  const operator = await h.login('unit_operator', pendingCar.unitId);
  const explained = await h.request('POST', `/api/alerts/${reviewed.id}/explain`, operator, { text: '接待上级检查组，已补办派车单。' });
  assert.equal(explained.status, 200, JSON.stringify(explained.json));

  // With the settings the live engine used, the replay finds every alert again.
  const same = await replay(t, '--from', day, '--to', day);
  assert.equal(same.code, 0, same.err);
  assert.match(same.out, /Stored: 0 created, \d+ unchanged, 0 reinstated, 0 withdrawn, 0 flagged/);

  // 90 minutes at a hotel: an hour no longer counts.
  await setHotelDwell(90);
  const dry = await replay(t, '--from', day, '--to', day, '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /storing would give: 0 created, \d+ unchanged, 0 reinstated, 1 withdrawn, 1 flagged/);
  assert.equal((await hotelAlert(pendingCar.vehicleId)).withdrawn_at, null, 'a dry run stores nothing');
  const purged = await replayHistory(h.platform.store, { from: at('00:00'), to: beijing(`${nextDay} 00:00`), detectors, logger: createLogger(), save: false, positionsKeptSince: Date.now() });
  assert.deepEqual([purged.withdrawn.length, purged.flagged.length, purged.unchecked], [0, 0, 2], 'positions older than the retention may be purged: nothing is judged there');

  const changed = await replay(t, '--from', day, '--to', day);
  assert.equal(changed.code, 0, changed.err);
  assert.match(changed.out, /with settings revision [0-9a-f]{12}/);
  assert.match(changed.out, /Stored: 0 created, \d+ unchanged, 0 reinstated, 1 withdrawn, 1 flagged/);
  assert.match(changed.out, new RegExp(`Withdrawn \\(pending, not found again\\):\\n  #${pending.id} non_official_place +${pendingCar.plate} .* pending`));
  assert.match(changed.out, new RegExp(`Flagged for review \\(already reviewed, not found again; state kept\\):\\n  #${reviewed.id} non_official_place +${reviewedCar.plate} .* explained`));

  const withdrawn = await hotelAlert(pendingCar.vehicleId);
  assert.notEqual(withdrawn.withdrawn_at, null);
  assert.equal(withdrawn.state, 'pending', 'the review state is kept underneath');
  assert.deepEqual(withdrawn.position_ids, pending.position_ids, 'the evidence stays');
  const flagged = await hotelAlert(reviewedCar.vehicleId);
  assert.equal(flagged.state, 'explained');
  assert.equal(flagged.withdrawn_at, null, 'a reviewed alert is never withdrawn');
  assert.notEqual(flagged.not_reproduced_at, null);
  assert.equal((await hotelAlert(lateCar.vehicleId)).not_reproduced_at, null, 'an alert reaching past the period is left alone');

  // The list hides withdrawn alerts unless the request filters for them.
  assert.deepEqual((await listed(`vehicleId=${pendingCar.vehicleId}`)).map((a) => a.id).includes(pending.id), false);
  const withdrawnAlert = (await listed(`vehicleId=${pendingCar.vehicleId}&state=withdrawn`)).find((a) => a.id === pending.id);
  assert.equal(withdrawnAlert?.state, 'withdrawn');
  assert.equal(withdrawnAlert?.notReproduced?.reason, 'replay_not_reproduced');
  assert.match(withdrawnAlert?.notReproduced?.settingsRevision ?? '', /^[0-9a-f]{12}$/);
  const flaggedView = (await listed(`vehicleId=${reviewedCar.vehicleId}&notReproduced=true`)).find((a) => a.id === reviewed.id);
  assert.equal(flaggedView?.state, 'explained');
  assert.equal(flaggedView?.withdrawnAt, null);
  const counts = await h.request('GET', `/api/alerts/counts?vehicleId=${pendingCar.vehicleId}&state=pending,withdrawn`, admin);
  assert.equal(counts.json.byState.find((s: { state: string }) => s.state === 'withdrawn')?.count, 1);

  const rejected = await h.request('POST', `/api/alerts/${pending.id}/explain`, operator, { text: '当天在宾馆接待。' });
  assert.equal(rejected.status, 409);
  assert.equal(rejected.json.error.code, 'GONGCHE_ERR_ALERT_WITHDRAWN');
  assert.deepEqual(await auditActions(pending.id), ['alert.withdrawn']);
  assert.deepEqual(await auditActions(reviewed.id), ['alert.explained', 'alert.not_reproduced']);
  const withdrawal = await h.db.selectFrom('audit_log').select(['actor_username', 'detail']).where('action', '=', 'alert.withdrawn').executeTakeFirstOrThrow();
  assert.match(withdrawal.actor_username, /^os:/, 'the operator who ran the replay');
  assert.match(withdrawal.detail, /"reason":"replay_not_reproduced"/);

  // The same replay again changes nothing and still lists the flagged alert.
  const again = await replay(t, '--from', day, '--to', day);
  assert.match(again.out, /Stored: 0 created, \d+ unchanged, 0 reinstated, 0 withdrawn, 1 flagged/);
  assert.deepEqual(await auditActions(pending.id), ['alert.withdrawn']);
  assert.deepEqual(await auditActions(reviewed.id), ['alert.explained', 'alert.not_reproduced']);

  // Back to the default dwell: the same alerts are detected again and reinstated, not created anew.
  await setHotelDwell(null);
  const restored = await replay(t, '--from', day, '--to', day);
  assert.equal(restored.code, 0, restored.err);
  assert.match(restored.out, /Stored: 0 created, \d+ unchanged, 2 reinstated, 0 withdrawn, 0 flagged/);
  const reinstated = await hotelAlert(pendingCar.vehicleId);
  assert.equal(reinstated.id, pending.id);
  assert.equal(reinstated.withdrawn_at, null);
  assert.equal(reinstated.not_reproduced_at, null);
  assert.equal((await listed(`vehicleId=${pendingCar.vehicleId}`)).find((a) => a.id === pending.id)?.state, 'pending');
  const cleared = await hotelAlert(reviewedCar.vehicleId);
  assert.equal(cleared.not_reproduced_at, null);
  assert.equal(cleared.state, 'explained');
  assert.deepEqual(await auditActions(pending.id), ['alert.withdrawn', 'alert.reinstated']);
  assert.deepEqual(await auditActions(reviewed.id), ['alert.explained', 'alert.not_reproduced', 'alert.reinstated']);
  const replays = await h.db.selectFrom('audit_log').select('detail').where('action', '=', 'rules.replayed').execute();
  assert.equal(replays.length, 4, 'every storing replay is recorded, the dry run is not');
});
