import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/store/db.ts';
import { createLogger } from '../../../src/logger.ts';
import { createUnit } from '../../../src/registry/units.ts';
import { createVehicle } from '../../../src/registry/vehicles.ts';
import { createTerminal } from '../../../src/registry/terminals.ts';
import { terminalInput, unitInput, vehicleInput } from '../../../src/registry/schemas.ts';
import { runIntegritySweep, startIntegritySweep, type SweepDeps } from '../../../src/rules/integrity/sweep.ts';
import { offlineCheck } from '../../../src/rules/integrity/offline.ts';
import { neverOnlineCheck } from '../../../src/rules/integrity/never-online.ts';
import { AppError } from '../../../src/errors.ts';
import { setVehicleAssignment } from '../../../src/rules/templates/repository.ts';
import { saveRuleSettings } from '../../../src/rules/templates/settings.ts';
import { integrityDetectors, integritySweepChecks } from '../../../src/rules/integrity/index.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';

const ruleChecks = [...integrityDetectors, ...integritySweepChecks] as Detector<unknown, unknown>[];

const hour = 3_600_000;
/** Parses a Beijing wall-clock time (UTC+8) such as '2026-03-09 09:00'. */
const beijing = (text: string) => Date.parse(`${text.replace(' ', 'T')}:00+08:00`);

let dir: string;
let store: Store;
let unitId: number;
let published: number[];
let plates = 0;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gongche-integrity-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  unitId = (await createUnit(store.db, unitInput.parse({ name: '喀什地区行政公署办公室' }))).id;
  published = [];
});
afterEach(async () => {
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const deps = (extra: Partial<SweepDeps> = {}): SweepDeps => ({
  db: store.db,
  logger: createLogger({ level: 'silent' }),
  alertHub: { publish: async (id) => void published.push(id) },
  ...extra,
});

/** Adds a vehicle with a bound terminal; `fields` sets terminal columns directly. */
async function addTerminal(fields: { last_seen_at?: number | null; registered_at?: number | null; authenticated_at?: number | null; created_at?: number } = {}, status = 'in_use') {
  plates++;
  const vehicle = await createVehicle(store.db, vehicleInput.parse({ unitId, plate: `新Q${String(10_000 + plates)}`, vehicleType: '轿车', usageNature: '一般公务用车', status }));
  const terminal = await createTerminal(store.db, terminalInput.parse({ phone: `0139${String(plates).padStart(8, '0')}`, vehicleId: vehicle.id }));
  if (Object.keys(fields).length > 0) await store.db.updateTable('terminals').set(fields).where('id', '=', terminal.id).execute();
  return { vehicleId: vehicle.id, terminalId: terminal.id };
}

async function alertsOf(vehicleId: number, rule: string) {
  return store.db.selectFrom('alerts').selectAll().where('vehicle_id', '=', vehicleId).where('rule', '=', rule).execute();
}

async function bindByWorkOrder(vehicleId: number, terminalId: number, boundAt: number, state = 'open') {
  const batch = await store.db
    .insertInto('rollout_batches')
    .values({ number: vehicleId, name: `第${vehicleId}批`, scope_rule: '{}', created_at: boundAt, updated_at: boundAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  const order = await store.db
    .insertInto('rollout_work_orders')
    .values({ unit_id: unitId, batch_id: batch.id, vehicle_id: vehicleId, planned_date: '2026-03-09', state, terminal_id: terminalId, bound_at: boundAt, created_at: boundAt, updated_at: boundAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return order.id;
}

describe('offline sweep', () => {
  test('working day offline four hours', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    const early = await runIntegritySweep(deps(), beijing('2026-03-09 13:00'));
    assert.equal(early.offline, 0, 'three working hours (10:00-13:00) are below the 4-hour default');

    const result = await runIntegritySweep(deps(), beijing('2026-03-09 16:30'));
    assert.equal(result.offline, 1);
    const [alert] = await alertsOf(vehicleId, 'device_offline');
    assert.ok(alert);
    const facts = JSON.parse(alert.facts);
    assert.equal(facts.offlineWorkingS, 4.5 * 3_600, '10:00-14:00 and 16:00-16:30');
    assert.equal(facts.offlineS, 7.5 * 3_600);
    assert.equal(facts.workingDays, 1);
    assert.equal(facts.calendarMissing, false);
    assert.equal(alert.start_at, beijing('2026-03-09 09:00'));
    assert.equal(alert.end_at, beijing('2026-03-09 16:30'));
    assert.equal(alert.severity, 'medium');
    assert.deepEqual(published, [alert.id]);
  });

  test('holiday offline stays silent', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-10-01 09:00') });
    await runIntegritySweep(deps(), beijing('2026-10-07 20:00'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 0, 'National Day 1-7 October has no working hours');
  });

  test('adjusted working Sunday counts', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-09-20 09:00') });
    await runIntegritySweep(deps(), beijing('2026-09-20 16:30'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 1, 'Sunday 2026-09-20 is worked for National Day');
  });

  test('ordinary Sunday stays silent', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-09-13 09:00') });
    await runIntegritySweep(deps(), beijing('2026-09-13 20:00'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 0, 'Sunday 2026-09-13 is an ordinary weekend');
  });

  test('weekend between working days', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-13 19:00') });
    await runIntegritySweep(deps(), beijing('2026-03-16 12:00'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 0, 'Friday 19:00-20:00 and Monday 10:00-12:00 make 3 hours');

    await runIntegritySweep(deps(), beijing('2026-03-16 13:30'));
    const [alert] = await alertsOf(vehicleId, 'device_offline');
    assert.ok(alert);
    const facts = JSON.parse(alert.facts);
    assert.equal(facts.offlineWorkingS, 4.5 * 3_600);
    assert.equal(facts.workingDays, 2);
  });

  test('later sweeps merge one silence', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    await runIntegritySweep(deps(), beijing('2026-03-09 16:30'));
    const second = await runIntegritySweep(deps(), beijing('2026-03-10 11:00'));
    assert.equal(second.created, 0);
    assert.equal(second.merged, 1);

    const alerts = await alertsOf(vehicleId, 'device_offline');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.end_at, beijing('2026-03-10 11:00'));
    assert.equal(JSON.parse(alerts[0]!.facts).offlineWorkingS, 8 * 3_600 + 3_600);
    assert.equal(published.length, 1, 'a merge is not published as a new alert');
  });

  test('new silence is new alert', async () => {
    const { vehicleId, terminalId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    await runIntegritySweep(deps(), beijing('2026-03-09 16:30'));
    await store.db.updateTable('terminals').set({ last_seen_at: beijing('2026-03-10 09:00') }).where('id', '=', terminalId).execute();
    await runIntegritySweep(deps(), beijing('2026-03-10 16:30'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 2);
  });

  test('connected terminal is not offline', async () => {
    const { vehicleId, terminalId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    await runIntegritySweep(deps({ isOnline: (id) => id === terminalId }), beijing('2026-03-09 16:30'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 0);
  });

  test('disposed vehicle is ignored', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') }, 'disposed');
    await runIntegritySweep(deps(), beijing('2026-03-10 16:30'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 0);
  });

  test('year without schedule flagged', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2027-03-08 09:00') });
    await runIntegritySweep(deps(), beijing('2027-03-08 16:30'));
    const [alert] = await alertsOf(vehicleId, 'device_offline');
    assert.ok(alert, 'a Monday of 2027 is evaluated as a weekday');
    assert.equal(JSON.parse(alert.facts).calendarMissing, true);
  });

  test('evidence names last position', async () => {
    const { vehicleId, terminalId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    const frame = await store.db
      .insertInto('raw_frames')
      .values({ terminal_id: terminalId, received_at: beijing('2026-03-09 08:59'), message_id: 0x0200, serial: 1, sealed: Buffer.from([0]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const position = await store.db
      .insertInto('positions')
      .values({ terminal_id: terminalId, vehicle_id: vehicleId, raw_frame_id: frame.id, device_time: beijing('2026-03-09 08:59'), received_at: beijing('2026-03-09 08:59'), alarm: 0, status: 3, acc: 1, fixed: 1, batch_type: null, frame_index: 0, sealed: null, valid: 1, invalid_reason: null, dedupe_key: 'k1' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await runIntegritySweep(deps(), beijing('2026-03-09 16:30'));
    const [alert] = await alertsOf(vehicleId, 'device_offline');
    assert.deepEqual(JSON.parse(alert!.position_ids), [position.id]);
    assert.deepEqual(JSON.parse(alert!.raw_frame_ids), [frame.id]);
  });
});

describe('never online sweep', () => {
  test('work order bound, never online', async () => {
    const { vehicleId, terminalId } = await addTerminal();
    const boundAt = beijing('2026-03-09 11:00');
    const orderId = await bindByWorkOrder(vehicleId, terminalId, boundAt);

    await runIntegritySweep(deps(), boundAt + 23 * hour);
    assert.equal((await alertsOf(vehicleId, 'device_never_online')).length, 0, 'within the 24-hour grace time');

    await runIntegritySweep(deps(), boundAt + 25 * hour);
    const [alert] = await alertsOf(vehicleId, 'device_never_online');
    assert.ok(alert);
    const facts = JSON.parse(alert.facts);
    assert.equal(facts.installSource, 'work_order');
    assert.equal(facts.workOrderId, orderId);
    assert.equal(facts.registered, false);
    assert.equal(facts.waitedS, 25 * 3_600);
    assert.equal(alert.start_at, boundAt);
    assert.equal(alert.terminal_id, terminalId);
    assert.deepEqual(published, [alert.id]);
  });

  test('authenticated after binding is online', async () => {
    const boundAt = beijing('2026-03-09 11:00');
    const { vehicleId, terminalId } = await addTerminal({ registered_at: boundAt + hour, authenticated_at: boundAt + hour });
    await bindByWorkOrder(vehicleId, terminalId, boundAt);
    await runIntegritySweep(deps(), boundAt + 72 * hour);
    assert.equal((await alertsOf(vehicleId, 'device_never_online')).length, 0);
  });

  test('authenticated only before binding', async () => {
    // A terminal moved from another vehicle: it was online once, but never since this installation.
    const boundAt = beijing('2026-03-09 11:00');
    const { vehicleId, terminalId } = await addTerminal({ registered_at: boundAt - 48 * hour, authenticated_at: boundAt - 48 * hour });
    await bindByWorkOrder(vehicleId, terminalId, boundAt);
    await runIntegritySweep(deps(), boundAt + 25 * hour);
    const [alert] = await alertsOf(vehicleId, 'device_never_online');
    assert.ok(alert);
    assert.equal(JSON.parse(alert.facts).registered, true);
  });

  test('cancelled work order is ignored', async () => {
    const boundAt = beijing('2026-03-09 11:00');
    const { vehicleId, terminalId } = await addTerminal({ registered_at: boundAt - 48 * hour, authenticated_at: boundAt - 48 * hour });
    await bindByWorkOrder(vehicleId, terminalId, boundAt, 'cancelled');
    await runIntegritySweep(deps(), boundAt + 25 * hour);
    assert.equal((await alertsOf(vehicleId, 'device_never_online')).length, 0);
  });

  test('registry binding never registered', async () => {
    const createdAt = beijing('2026-03-01 10:00');
    const silent = await addTerminal({ created_at: createdAt });
    const registered = await addTerminal({ created_at: createdAt, registered_at: createdAt + hour, authenticated_at: createdAt + hour, last_seen_at: beijing('2026-03-09 10:00') });
    await runIntegritySweep(deps(), beijing('2026-03-09 10:30'));

    const [alert] = await alertsOf(silent.vehicleId, 'device_never_online');
    assert.ok(alert);
    assert.equal(JSON.parse(alert.facts).installSource, 'registry');
    assert.equal(alert.start_at, createdAt);
    assert.equal((await alertsOf(registered.vehicleId, 'device_never_online')).length, 0);
  });

  test('repeated sweeps keep one alert', async () => {
    const { vehicleId } = await addTerminal({ created_at: beijing('2026-03-01 10:00') });
    await runIntegritySweep(deps(), beijing('2026-03-09 10:00'));
    await runIntegritySweep(deps(), beijing('2026-03-10 10:00'));
    const alerts = await alertsOf(vehicleId, 'device_never_online');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.end_at, beijing('2026-03-10 10:00'));
    assert.equal(published.length, 1);
  });

  test('unbound terminal is ignored', async () => {
    await createTerminal(store.db, terminalInput.parse({ phone: '013999999999' }));
    const result = await runIntegritySweep(deps(), beijing('2026-03-09 10:00'));
    assert.equal(result.neverOnline, 0);
  });
});

describe('sweep checks settings', () => {
  test('defaults are documented values', () => {
    assert.deepEqual(offlineCheck.defaults, { minOfflineWorkingS: 14_400 });
    assert.deepEqual(neverOnlineCheck.defaults, { graceS: 86_400 });
  });

  test('threshold below floor rejected', () => {
    assert.throws(() => offlineCheck.parseSettings({ minOfflineWorkingS: 60 }), (error: unknown) => error instanceof AppError && error.value === 60 && /minOfflineWorkingS/.test(error.message));
    assert.throws(() => neverOnlineCheck.parseSettings({ grace: 3_600 }), (error: unknown) => error instanceof AppError && /grace\b/.test(error.message));
  });

  test('overridden settings change findings', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    const strict = offlineCheck.parseSettings({ minOfflineWorkingS: 3_600 });
    const rules = { timeZone: 'Asia/Shanghai', resolve: () => ({ neverOnline: null, offline: strict, swap: true, workingHours: [{ start: 600, end: 840 }] }) };
    await runIntegritySweep(deps({ rules }), beijing('2026-03-09 11:30'));
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 1, 'an hour and a half offline passes a 1-hour threshold');
  });
});

describe('sweep settings from templates', () => {
  test('vehicle override lowers threshold', async () => {
    const strict = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    const plain = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    await setVehicleAssignment(store.db, strict.vehicleId, { templateId: null, overrides: { detectors: { device_offline: { settings: { minOfflineWorkingS: 3_600 } } } } }, ruleChecks, null);
    await runIntegritySweep(deps(), beijing('2026-03-09 11:30'));
    assert.equal((await alertsOf(strict.vehicleId, 'device_offline')).length, 1);
    assert.equal((await alertsOf(plain.vehicleId, 'device_offline')).length, 0);
  });

  test('vehicle override switches check off', async () => {
    const { vehicleId } = await addTerminal({ created_at: beijing('2026-03-01 10:00'), last_seen_at: null });
    await setVehicleAssignment(store.db, vehicleId, { templateId: null, overrides: { detectors: { device_never_online: { enabled: false } } } }, ruleChecks, null);
    await runIntegritySweep(deps(), beijing('2026-03-09 10:00'));
    assert.equal((await alertsOf(vehicleId, 'device_never_online')).length, 0);
  });

  test('working hours come from rule settings', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 07:00') });
    await saveRuleSettings(store.db, { workingHours: [{ start: '08:00', end: '12:00' }] }, null);
    await runIntegritySweep(deps(), beijing('2026-03-09 12:30'));
    const [alert] = await alertsOf(vehicleId, 'device_offline');
    assert.ok(alert, 'four hours of the configured 08:00-12:00 morning');
    assert.equal(JSON.parse(alert.facts).offlineWorkingS, 4 * 3_600);
  });

  test('bad sweep setting rejected in template', async () => {
    const { vehicleId } = await addTerminal();
    await assert.rejects(
      setVehicleAssignment(store.db, vehicleId, { templateId: null, overrides: { detectors: { device_offline: { settings: { minOfflineWorkingS: 1 } } } } }, ruleChecks, null),
      (error: unknown) => error instanceof AppError && error.code === 'GONGCHE_ERR_VALIDATION' && /minOfflineWorkingS/.test(error.message),
    );
  });
});

describe('periodic sweep', () => {
  test('runs with injected clock', async () => {
    const { vehicleId } = await addTerminal({ last_seen_at: beijing('2026-03-09 09:00') });
    let now = beijing('2026-03-09 12:00');
    const sweep = startIntegritySweep({ ...deps(), intervalMs: 3_600_000, now: () => now });
    try {
      assert.equal((await sweep.runNow()).offline, 0);
      now = beijing('2026-03-09 17:00');
      const [a, b] = await Promise.all([sweep.runNow(), sweep.runNow()]);
      assert.equal(a.created, 1);
      assert.equal(b.merged, 1, 'the second sweep ran after the first and merged into its alert');
    } finally {
      await sweep.stop();
    }
    assert.equal((await alertsOf(vehicleId, 'device_offline')).length, 1);
  });
});
