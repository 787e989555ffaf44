import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Selectable } from 'kysely';
import type { AlertTable } from '../../../src/store/schema-alerts.ts';
import { startRulesHarness, type FixSpec, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';

const powerOff = 1 << 8;
const antennaCut = 1 << 5;

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness();
});
after(() => h.close());

async function alertsOf(rule: string, vehicleId: number) {
  const rows = await h.alerts({ rule, vehicleId });
  return rows.map((row) => ({ ...row, facts: JSON.parse(row.facts) as Record<string, unknown> }));
}

/** Checks that the alert's evidence positions are stored for its vehicle. */
async function assertEvidenceStored(alert: Pick<Selectable<AlertTable>, 'key' | 'position_ids' | 'vehicle_id'>): Promise<void> {
  const ids = JSON.parse(alert.position_ids) as number[];
  assert.ok(ids.length > 0, `alert ${alert.key} names its positions`);
  const rows = await h.db.selectFrom('positions').select(['id', 'vehicle_id']).where('id', 'in', ids).execute();
  assert.equal(rows.length, ids.length, 'every evidence position is stored');
  for (const row of rows) assert.equal(row.vehicle_id, alert.vehicle_id);
}

/** Reports every intervalS seconds with ACC on and no fix, at the last known coordinates. */
function blind(at: { latitude: number; longitude: number }, start: number, minutes: number, alarm = 0, intervalS = 30): FixSpec[] {
  const fixes: FixSpec[] = [];
  for (let s = intervalS; s <= minutes * 60; s += intervalS) fixes.push({ time: start + s * 1000, ...at, speedKmh: 0, acc: true, fixed: false, alarm });
  return fixes;
}

/** Polls until the check returns true, for work that runs on a timer. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('alarm bits over TCP', () => {
  test('power cut is one alert', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const arrive = drive({ from: kashgar.hotel, to: kashgar.office, start: beijing('2026-03-10 18:00') });
    const cut = park({ at: kashgar.office, start: endOf(arrive), minutes: 10 }).map((f) => ({ ...f, alarm: powerOff }));
    const restored = park({ at: kashgar.office, start: endOf(cut), minutes: 5 });
    await terminal.reports([...arrive, ...cut, ...restored]);
    await h.waitForRules();

    const alerts = await alertsOf('device_power_cut', car.vehicleId);
    assert.equal(alerts.length, 1, 'one alert for the episode, not one per report');
    const alert = alerts[0]!;
    assert.equal(alert.start_at, cut[0]!.time);
    assert.equal(alert.facts.cleared, true);
    assert.equal(alert.facts.fixCount, cut.length);
    assert.equal(alert.facts.durationS, 600);
    assert.equal(alert.facts.accAtStart, false);
    assert.equal(alert.severity, 'high');
    assert.equal(alert.unit_id, car.unitId);
    await assertEvidenceStored(alert);
  });

  test('antenna cut without fix', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const start = beijing('2026-03-10 10:00');
    const out = drive({ from: kashgar.office, to: kashgar.hotel, start });
    const cut = blind(kashgar.hotel, endOf(out), 6, antennaCut);
    const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(cut) });
    await terminal.reports([...out, ...cut, ...back]);
    await h.waitForRules();

    const alerts = await alertsOf('device_antenna', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.alarmBits, 'gnssAntennaDisconnected');
    assert.equal(alerts[0]!.facts.validFixCount, 0, 'stored as invalid reports, still evaluated');
    assert.deepEqual(await alertsOf('device_fix_lost', car.vehicleId), [], 'six blind minutes are below the loss threshold');
  });
});

describe('loss of fix over TCP', () => {
  test('twenty blind minutes alert', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const out = drive({ from: kashgar.office, to: kashgar.hotel, start: beijing('2026-03-11 10:00') });
    const lost = blind(kashgar.hotel, endOf(out), 20);
    const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(lost) });
    await terminal.reports([...out, ...lost, ...back]);
    await h.waitForRules();

    const alerts = await alertsOf('device_fix_lost', car.vehicleId);
    assert.equal(alerts.length, 1);
    const alert = alerts[0]!;
    assert.equal(alert.facts.ended, true);
    assert.equal(alert.facts.endReason, 'fix_recovered');
    assert.ok((alert.facts.lossS as number) >= 19 * 60);
    assert.ok((alert.facts.gapDistanceM as number) > 1_000, 'the vehicle reappeared elsewhere');
    await assertEvidenceStored(alert);
  });

  test('short tunnel stays quiet', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const out = drive({ from: kashgar.office, to: kashgar.hotel, start: beijing('2026-03-11 14:00') });
    const tunnel = blind(kashgar.hotel, endOf(out), 3);
    const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(tunnel) });
    await terminal.reports([...out, ...tunnel, ...back]);
    await h.waitForRules();
    assert.deepEqual(await alertsOf('device_fix_lost', car.vehicleId), []);
  });
});

describe('jump after silence over TCP', () => {
  test('parked car reappears far away', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const evening = park({ at: kashgar.office, start: beijing('2026-03-12 20:00'), minutes: 30 });
    const morning = park({ at: kashgar.market, start: beijing('2026-03-13 06:00'), minutes: 30 });
    await terminal.reports([...evening, ...morning]);
    await h.waitForRules();

    const alerts = await alertsOf('device_jump_after_silence', car.vehicleId);
    assert.equal(alerts.length, 1);
    const alert = alerts[0]!;
    assert.equal(alert.facts.criterion, 'acc_off_distance');
    assert.equal(alert.facts.accBeforeSilence, false);
    assert.ok((alert.facts.distanceM as number) > 4_000);
    assert.ok((alert.facts.silenceS as number) > 9 * 3_600);
    await assertEvidenceStored(alert);
  });

  test('overnight silence in place quiet', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const evening = park({ at: kashgar.office, start: beijing('2026-03-12 20:00'), minutes: 30, driftM: 20 });
    const morning = park({ at: kashgar.office, start: beijing('2026-03-13 08:00'), minutes: 30, driftM: 20 });
    const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(morning) });
    await terminal.reports([...evening, ...morning, ...out]);
    await h.waitForRules();
    assert.deepEqual(await alertsOf('device_jump_after_silence', car.vehicleId), []);
  });
});

describe('terminal swap over TCP', () => {
  test('registration with another terminal id', async () => {
    const car = await h.addVehicle();
    await h.db.updateTable('terminals').set({ terminal_id: 'OLD0001' }).where('id', '=', car.terminalId).execute();
    const terminal = await h.connect(car);
    terminal.close();

    const alerts = await alertsOf('device_swap', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.kind, 'terminal_id_changed');
    assert.equal(alerts[0]!.facts.storedTerminalId, 'OLD0001');
    assert.equal(alerts[0]!.facts.phone, car.phone);

    const token = await h.login('bureau_admin');
    const listed = await h.request('GET', `/api/alerts?rule=device_swap&vehicleId=${car.vehicleId}`, token);
    assert.equal(listed.status, 200);
    assert.ok(listed.json.items.some((item: { id: number }) => item.id === alerts[0]!.id), 'the alert is listed by the API');
  });

  test('own terminal id stays quiet', async () => {
    const car = await h.addVehicle();
    const first = await h.connect(car);
    first.close();
    const again = await h.connect(car);
    again.close();
    assert.deepEqual(await alertsOf('device_swap', car.vehicleId), []);
  });
});

describe('integrity sweep in serve', () => {
  test('never online after restart', async () => {
    const car = await h.addVehicle();
    await h.db.updateTable('terminals').set({ created_at: Date.now() - 3 * 86_400_000 }).where('id', '=', car.terminalId).execute();
    await h.restart();
    await eventually(async () => (await alertsOf('device_never_online', car.vehicleId)).length === 1);

    const [alert] = await alertsOf('device_never_online', car.vehicleId);
    assert.equal(alert!.facts.installSource, 'registry');
    assert.equal(alert!.facts.registered, false);
  });
});

describe('integrity settings over the API', () => {
  test('catalogue lists sweep defaults', async () => {
    const token = await h.login('bureau_admin');
    const catalogue = await h.request('GET', '/api/rules/catalogue', token);
    assert.equal(catalogue.status, 200);
    const offline = catalogue.json.items.find((item: { code: string }) => item.code === 'device_offline');
    assert.deepEqual(offline.defaults, { minOfflineWorkingS: 14_400 });
    assert.equal(offline.streamDetector, false);
    const lost = catalogue.json.items.find((item: { code: string }) => item.code === 'device_fix_lost');
    assert.equal(lost.streamDetector, true);
  });

  test('vehicle override of sweep check', async () => {
    const car = await h.addVehicle();
    const token = await h.login('bureau_admin');
    const accepted = await h.request('PUT', `/api/rules/vehicles/${car.vehicleId}`, token, { templateId: null, overrides: { detectors: { device_offline: { settings: { minOfflineWorkingS: 3_600 } } } } });
    assert.equal(accepted.status, 200);
    const effective = accepted.json.effective.detectors.find((d: { code: string }) => d.code === 'device_offline');
    assert.deepEqual(effective.settings, { minOfflineWorkingS: 3_600 });

    const rejected = await h.request('PUT', `/api/rules/vehicles/${car.vehicleId}`, token, { templateId: null, overrides: { detectors: { device_offline: { settings: { minOfflineWorkingS: 5 } } } } });
    assert.equal(rejected.status, 400);
    assert.equal(rejected.json.error.code, 'GONGCHE_ERR_VALIDATION');
    assert.match(rejected.json.error.message, /minOfflineWorkingS/);
  });
});
