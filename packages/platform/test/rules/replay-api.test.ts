import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type FixSpec, type RulesHarness, type TestVehicle } from '../helpers/rules-harness.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../helpers/rule-fixes.ts';
import { acquireReplayLock } from '../../src/rules/engine/replay-lock.ts';
import { createLogger } from '../../src/logger.ts';

// Days within the positions' retention, which the replay checks against the clock.
const dayMs = 86_400_000;
const beijingDate = (daysAgo: number) => new Date(Date.now() + 8 * 3_600_000 - daysAgo * dayMs).toISOString().slice(0, 10);
const day = beijingDate(10);
const busyDay = beijingDate(20);

let h: RulesHarness;
let admin: string;
let adminName: string;
before(async () => {
  h = await startRulesHarness();
  admin = await h.login('bureau_admin');
  adminName = (await h.request('GET', '/api/auth/me', admin)).json.username;
});
after(() => h.close());

interface Replay {
  id: number;
  state: 'running' | 'done' | 'failed';
  from: string;
  to: string;
  vehicleId: number | null;
  dryRun: boolean;
  progress: { vehiclesDone: number; vehiclesTotal: number; positions: number };
  result: null | Record<'positions' | 'vehicles' | 'trips' | 'alerts' | 'created' | 'unchanged' | 'reinstated' | 'withdrawn' | 'flagged' | 'unchecked', number> & {
    withdrawnAlerts: { id: number; plate: string | null; state: string }[];
    flaggedAlerts: { id: number; plate: string | null; state: string }[];
  };
  error: { code: string; message: string } | null;
  startedBy: string;
  finishedAt: string | null;
}

async function startReplay(body: Record<string, unknown>): Promise<number> {
  const response = await h.request('POST', '/api/rules/replays', admin, body);
  assert.equal(response.status, 202, JSON.stringify(response.json));
  assert.equal(response.json.state, 'running');
  return response.json.id;
}

/** Polls the replay until it is no longer running. */
async function finished(id: number, timeoutMs = 60_000): Promise<Replay> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await h.request('GET', `/api/rules/replays/${id}`, admin);
    assert.equal(response.status, 200, JSON.stringify(response.json));
    if (response.json.state !== 'running') return response.json;
    if (Date.now() > deadline) throw new Error(`replay ${id} still running after ${timeoutMs} ms: ${JSON.stringify(response.json.progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Sets the base template's hotel dwell (minutes) through the API. */
async function setHotelDwell(minutes: number): Promise<void> {
  const templates = await h.request('GET', '/api/rules/templates', admin);
  const base = (templates.json.items as { id: number; usageNature: string | null; unitId: number | null; content: { detectors?: Record<string, unknown> } }[]).find((t) => t.usageNature === null && t.unitId === null)!;
  const detectors = { ...base.content.detectors, non_official_place: { settings: { categories: { hotel: { minDwellMin: minutes } } } } };
  const response = await h.request('PATCH', `/api/rules/templates/${base.id}`, admin, { content: { ...base.content, detectors } });
  assert.equal(response.status, 200, JSON.stringify(response.json));
}

async function drivePlan(vehicle: TestVehicle, fixes: FixSpec[]): Promise<void> {
  const terminal = await h.connect(vehicle);
  await terminal.reports(fixes);
  terminal.close();
}

const hotelAlerts = (vehicleId: number) => h.alerts({ vehicleId, rule: 'non_official_place' });

test('API replay withdraws unsupported alert', async () => {
  await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const car = await h.addVehicle();
  const atOffice = park({ at: kashgar.office, start: beijing(`${day} 09:00`), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 60 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(atHotel) });
  await drivePlan(car, [...atOffice, ...toHotel, ...atHotel, ...back, ...park({ at: kashgar.office, start: endOf(back), minutes: 20 })]);
  await h.waitForRules();
  const [alert] = await hotelAlerts(car.vehicleId);
  assert.ok(alert, 'the live engine found the hour at the hotel');

  // An hour at a hotel no longer counts once the dwell is 90 minutes.
  await setHotelDwell(90);

  const dry = await finished(await startReplay({ from: day, to: day, dryRun: true }));
  assert.equal(dry.state, 'done', JSON.stringify(dry.error));
  assert.equal(dry.dryRun, true);
  assert.deepEqual([dry.result!.created, dry.result!.withdrawn, dry.result!.flagged], [0, 1, 0]);
  assert.equal(dry.result!.withdrawnAlerts[0]!.id, alert.id);
  assert.equal((await hotelAlerts(car.vehicleId))[0]!.withdrawn_at, null, 'a dry run stores nothing');

  const id = await startReplay({ from: day, to: day, vehicleId: car.vehicleId });
  const replay = await finished(id);
  assert.equal(replay.state, 'done', JSON.stringify(replay.error));
  assert.deepEqual({ from: replay.from, to: replay.to, vehicleId: replay.vehicleId, dryRun: replay.dryRun, startedBy: replay.startedBy }, { from: day, to: day, vehicleId: car.vehicleId, dryRun: false, startedBy: adminName });
  assert.notEqual(replay.finishedAt, null);
  const result = replay.result!;
  assert.equal(result.vehicles, 1);
  assert.equal(result.positions, atOffice.length + toHotel.length + atHotel.length + back.length + 20);
  assert.ok(result.trips >= 2, `the trips to the hotel and back, found ${result.trips}`);
  assert.deepEqual([result.created, result.reinstated, result.withdrawn, result.flagged], [0, 0, 1, 0]);
  assert.equal(result.alerts, result.unchanged, 'every alert found again was stored already');
  assert.deepEqual(result.withdrawnAlerts.map((a) => [a.id, a.plate, a.state]), [[alert.id, car.plate, 'pending']]);
  assert.deepEqual(replay.progress, { vehiclesDone: 1, vehiclesTotal: 1, positions: result.positions });
  assert.notEqual((await hotelAlerts(car.vehicleId))[0]!.withdrawn_at, null, 'the alert is withdrawn');

  const audit = await h.db.selectFrom('audit_log').select(['actor_username', 'detail']).where('action', '=', 'rules.replayed').execute();
  assert.equal(audit.length, 1, 'the stored replay is recorded, the dry run is not');
  assert.equal(audit[0]!.actor_username, adminName);
  assert.deepEqual(JSON.parse(audit[0]!.detail).withdrawn, [alert.id]);
  const withdrawal = await h.db.selectFrom('audit_log').select('actor_username').where('action', '=', 'alert.withdrawn').executeTakeFirstOrThrow();
  assert.equal(withdrawal.actor_username, adminName);

  const list = await h.request('GET', '/api/rules/replays', admin);
  assert.deepEqual(list.json.items.map((r: Replay) => r.id), [id, dry.id], 'newest first');
});

test('API serves requests during replay', async (t) => {
  // Sixteen cars reporting every 20 s for about two hours: some 4,000 positions. The replay yields between vehicles.
  const cars = await Promise.all(Array.from({ length: 16 }, () => h.addVehicle()));
  await Promise.all(
    cars.map((car, i) => {
      const atOffice = park({ at: kashgar.office, start: beijing(`${busyDay} 08:00`) + i * 60_000, minutes: 30, intervalS: 20 });
      const out = drive({ from: kashgar.office, to: kashgar.market, start: endOf(atOffice), intervalS: 20 });
      const atMarket = park({ at: kashgar.market, start: endOf(out), minutes: 30, intervalS: 20 });
      const back = drive({ from: kashgar.market, to: kashgar.office, start: endOf(atMarket), intervalS: 20 });
      return drivePlan(car, [...atOffice, ...out, ...atMarket, ...back, ...park({ at: kashgar.office, start: endOf(back), minutes: 20, intervalS: 20 })]);
    }),
  );
  await h.waitForRules();

  // Two requests at once: one starts a replay, the other gets 409 with the running replay's id.
  const attempts = await Promise.all([0, 1].map(() => h.request('POST', '/api/rules/replays', admin, { from: busyDay, to: busyDay, dryRun: true })));
  const accepted = attempts.find((r) => r.status === 202);
  const rejected = attempts.find((r) => r.status === 409);
  assert.ok(accepted, JSON.stringify(attempts));
  assert.ok(rejected, JSON.stringify(attempts));
  assert.equal(rejected.json.error.code, 'GONGCHE_ERR_REPLAY_RUNNING');
  assert.equal(rejected.json.error.value, accepted.json.id);
  assert.match(rejected.json.error.message, new RegExp(`#${accepted.json.id}`));

  const latencies: number[] = [];
  let servedWhileRunning = 0;
  const progressSeen = new Set<number>();
  let seen: Replay;
  for (;;) {
    const sent = performance.now();
    const health = await h.request('GET', '/api/health', '');
    latencies.push(performance.now() - sent);
    assert.equal(health.status, 200);
    seen = (await h.request('GET', `/api/rules/replays/${accepted.json.id}`, admin)).json;
    if (seen.state !== 'running') break;
    servedWhileRunning++;
    assert.ok(seen.progress.vehiclesDone <= seen.progress.vehiclesTotal, JSON.stringify(seen.progress));
    progressSeen.add(seen.progress.vehiclesDone);
  }
  t.diagnostic(`health served ${servedWhileRunning} times while the replay ran (vehicles done seen: ${[...progressSeen].join(', ')}); slowest ${Math.round(Math.max(...latencies))} ms`);
  assert.ok(servedWhileRunning >= 1, 'GET /api/health is served while the replay runs');
  assert.equal(seen.state, 'done', JSON.stringify(seen.error));
  assert.equal(seen.result!.vehicles, cars.length);
  assert.ok(seen.result!.positions >= 3_000, `positions replayed: ${seen.result!.positions}`);
  assert.deepEqual(seen.progress, { vehiclesDone: cars.length, vehiclesTotal: cars.length, positions: seen.result!.positions });
});

test('invalid replay requests rejected', async () => {
  const post = (body: Record<string, unknown>, token = admin) => h.request('POST', '/api/rules/replays', token, body);
  const today = beijingDate(0);
  const tomorrow = beijingDate(-1);

  const order = await post({ from: day, to: beijingDate(12) });
  assert.equal(order.status, 400);
  assert.equal(order.json.error.code, 'GONGCHE_ERR_REPLAY_PERIOD_ORDER');
  assert.deepEqual(order.json.error.value, { from: day, to: beijingDate(12) });

  const long = await post({ from: beijingDate(100), to: beijingDate(7) });
  assert.equal(long.status, 400);
  assert.equal(long.json.error.code, 'GONGCHE_ERR_REPLAY_PERIOD_TOO_LONG');
  assert.equal(long.json.error.value, 94);
  assert.equal((await post({ from: beijingDate(92), to: today, dryRun: true })).status, 202, '93 days up to today are accepted');
  await finished((await h.request('GET', '/api/rules/replays', admin)).json.items[0].id);

  const future = await post({ from: today, to: tomorrow });
  assert.equal(future.status, 400);
  assert.equal(future.json.error.code, 'GONGCHE_ERR_REPLAY_PERIOD_FUTURE');
  assert.equal(future.json.error.value, tomorrow);

  for (const text of ['2026-02-30', '2026-3-1', 'yesterday']) {
    const bad = await post({ from: text, to: day });
    assert.equal(bad.status, 400, text);
    assert.equal(bad.json.error.code, 'GONGCHE_ERR_VALIDATION');
    assert.equal(bad.json.error.value, text);
    assert.match(bad.json.error.message, /from/);
  }
  const extra = await post({ from: day, to: day, vehicle: '新Q12345' });
  assert.equal(extra.json.error.code, 'GONGCHE_ERR_VALIDATION');

  const unknown = await post({ from: day, to: day, vehicleId: 999_999 });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'GONGCHE_ERR_NOT_FOUND');
  assert.equal(unknown.json.error.value, 999_999);

  const missing = await h.request('GET', '/api/rules/replays/999', admin);
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'GONGCHE_ERR_NOT_FOUND');

  const unitId = await h.addUnit();
  const operator = await h.login('unit_operator', unitId);
  for (const [method, url] of [['POST', '/api/rules/replays'], ['GET', '/api/rules/replays'], ['GET', '/api/rules/replays/1']] as const) {
    const response = await h.request(method, url, operator, method === 'POST' ? { from: day, to: day } : undefined);
    assert.equal(response.status, 403, `${method} ${url}`);
    assert.equal(response.json.error.code, 'GONGCHE_ERR_FORBIDDEN');
  }
});

test('storing replay waits for command lock', async () => {
  const otherLock = acquireReplayLock(h.platform.store, 'command-line replay (pid 4242 on test)', createLogger({ level: 'silent' }));
  try {
    const rejected = await h.request('POST', '/api/rules/replays', admin, { from: day, to: day });
    assert.equal(rejected.status, 409);
    assert.equal(rejected.json.error.code, 'GONGCHE_ERR_REPLAY_RUNNING');
    assert.equal(rejected.json.error.value, 'command-line replay (pid 4242 on test)');
    await finished(await startReplay({ from: day, to: day, dryRun: true }));
  } finally {
    otherLock.release();
  }
  const stored = await finished(await startReplay({ from: day, to: day }));
  assert.equal(stored.state, 'done', JSON.stringify(stored.error));
  assert.equal((h.platform.store.sqlite.prepare('SELECT COUNT(*) AS n FROM rules_replay_lock').get() as { n: number }).n, 0, 'the console replay released its lock');
});
