import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/commands.ts';
import { replayHistory } from '../../../src/rules/engine/replay.ts';
import { acquireReplayLock } from '../../../src/rules/engine/replay-lock.ts';
import { negativeListDetectors } from '../../../src/rules/detectors/index.ts';
import { integrityDetectors } from '../../../src/rules/integrity/index.ts';
import { createLogger } from '../../../src/logger.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { captureConsole } from '../../helpers/console.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';

const mainPowerOff = 1 << 8;
const detectors = [...negativeListDetectors, ...integrityDetectors] as Detector<unknown, unknown>[];

let h: RulesHarness;
let token: string;
before(async () => {
  h = await startRulesHarness();
  token = await h.login('bureau_admin');
});
after(() => h.close());

async function setPowerCutRule(enabled: boolean): Promise<void> {
  const templates = await h.request('GET', '/api/rules/templates', token);
  const base = (templates.json.items as { id: number; usageNature: string | null; unitId: number | null; content: { detectors?: object } }[]).find((t) => t.usageNature === null && t.unitId === null)!;
  const content = { ...base.content, detectors: { ...base.content.detectors, device_power_cut: { enabled } } };
  const response = await h.request('PATCH', `/api/rules/templates/${base.id}`, token, { content });
  assert.equal(response.status, 200, JSON.stringify(response.json));
  h.refreshRules();
}

async function cli(t: TestContext, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
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

const alertKey = (a: { key: string; rule: string; start: number; end: number }) => `${a.rule} ${a.key} ${a.start} ${a.end}`;

test('replay matches live, then shows setting', async (t) => {
  await setPowerCutRule(false);
  const car = await h.addVehicle();
  await h.addPlace({ name: '地区行政公署', category: 'government_office', shape: circle(kashgar.office, 150) });
  await h.addPlace({ name: '喀什某宾馆', category: 'hotel', shape: circle(kashgar.hotel, 120) });
  const atOffice = park({ at: kashgar.office, start: beijing('2026-03-06 09:00'), minutes: 20 });
  const toHotel = drive({ from: kashgar.office, to: kashgar.hotel, start: endOf(atOffice) });
  // The main power is cut for a few minutes while the car is at the hotel.
  const atHotel = park({ at: kashgar.hotel, start: endOf(toHotel), minutes: 60 }).map((f, i) => (i >= 10 && i < 15 ? { ...f, alarm: mainPowerOff } : f));
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(atHotel) });
  const home = park({ at: kashgar.office, start: endOf(back), minutes: 20 });
  const terminal = await h.connect(car);
  await terminal.reports([...atOffice, ...toHotel, ...atHotel, ...back, ...home]);
  await h.waitForRules();

  const live = await h.alerts({ vehicleId: car.vehicleId });
  assert.ok(live.length > 0, 'the hotel stop is an alert');
  assert.equal(live.filter((a) => a.rule === 'device_power_cut').length, 0, 'the power cut rule is off');

  // A dry run over the same history finds exactly the stored alerts.
  const range = { from: beijing('2026-03-06 00:00'), to: beijing('2026-03-07 00:00') };
  const dry = await replayHistory(h.platform.store, { ...range, detectors, logger: createLogger(), save: false });
  assert.deepEqual(dry.alerts.map(alertKey).sort(), live.map((a) => alertKey({ ...a, start: a.start_at, end: a.end_at })).sort());
  assert.equal(dry.trips, (await h.trips(car.vehicleId)).length);

  const listed = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06', '--dry-run');
  assert.equal(listed.code, 0, listed.err);
  assert.match(listed.out, new RegExp(`${live.length} alerts\\.`));
  assert.match(listed.out, /Dry run, nothing stored; storing would give: 0 created/);

  // Turn the rule on and replay: the power cut shows up, once.
  await setPowerCutRule(true);
  const stored = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06', '--vehicle', car.plate);
  assert.equal(stored.code, 0, stored.err);
  assert.match(stored.out, /Stored: 1 created, \d+ unchanged, 0 reinstated, 0 withdrawn, 0 flagged/);
  const powerCuts = await h.alerts({ vehicleId: car.vehicleId, rule: 'device_power_cut' });
  assert.equal(powerCuts.length, 1);
  assert.equal(powerCuts[0]!.start_at, new Date(atHotel[10]!.time).getTime());

  const again = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06');
  assert.match(again.out, /Stored: 0 created/);
  assert.equal((await h.alerts({ vehicleId: car.vehicleId })).length, live.length + 1);
});

test('replay rejects bad arguments', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--from', '2026-02-30', '--to', '2026-03-01'], /Invalid --from 2026-02-30: expected a date YYYY-MM-DD/],
    [['--from', '2026-03-02', '--to', 'yesterday'], /Invalid --to yesterday/],
    [['--from', '2026-03-05', '--to', '2026-03-01'], /Invalid period: --from 2026-03-05 is not before --to 2026-03-01/],
    [['--to', '2026-03-01'], /Missing --from/],
    [['--from', '2026-03-01', '--to', '2026-03-02', '--vehicle', '新Q99999'], /Vehicle not found: 新Q99999/],
  ];
  for (const [args, message] of cases) {
    const result = await cli(t, ...args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.err, message);
  }
});

test('command waits for console lock', async (t) => {
  const otherLock = acquireReplayLock(h.platform.store, 'console replay #7 by admin (2026-03-06 to 2026-03-06)', createLogger({ level: 'silent' }));
  try {
    const rejected = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06');
    assert.equal(rejected.code, 1);
    assert.match(rejected.err, /A storing rules replay is running already: console replay #7 by admin/);
    assert.match(rejected.err, /GONGCHE_ERR_REPLAY_RUNNING/);

    const dry = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06', '--dry-run');
    assert.equal(dry.code, 0, 'a dry run stores nothing, so it needs no lock');
  } finally {
    otherLock.release();
  }
  const stored = await cli(t, '--from', '2026-03-06', '--to', '2026-03-06');
  assert.equal(stored.code, 0, stored.err);
  assert.equal((h.platform.store.sqlite.prepare('SELECT COUNT(*) AS n FROM rules_replay_lock').get() as { n: number }).n, 0, 'the command released its lock');
});
