import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/commands.ts';
import { distanceM } from '../../src/ingest/geo.ts';
import { kashgarRoutes } from '../../src/simulator/routes.ts';
import { startRulesHarness, type RulesHarness } from '../helpers/rules-harness.ts';
import { captureConsole } from '../helpers/console.ts';
import { kashgar, park } from '../helpers/rule-fixes.ts';

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness();
});
after(() => h.close());

/** Polls until the check returns true. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('simulator starts at last stored position', async (t) => {
  // The first member of a fleet drives the first Kashgar route, whose vertices all lie more than 3 km from the market.
  const route = kashgarRoutes[0]!;
  const toMarket = (p: { latitude: number; longitude: number }) => distanceM(p.latitude, p.longitude, kashgar.market.latitude, kashgar.market.longitude);
  const nearestVertexM = Math.min(...route.points.map(toMarket));
  assert.ok(nearestVertexM > 3000, `the market is ${Math.round(nearestVertexM)} m from the route`);

  // The vehicle parked at the market with ACC off, 20 minutes ago, and its terminal went silent.
  const car = await h.addVehicle();
  const terminal = await h.connect(car);
  await terminal.reports(park({ at: kashgar.market, start: Date.now() - 25 * 60_000, minutes: 5 }));
  terminal.close();
  await eventually(async () => {
    const session = await h.db.selectFrom('terminal_sessions').select('closed_at').where('terminal_id', '=', car.terminalId).orderBy('id', 'desc').executeTakeFirst();
    return session?.closed_at != null;
  }, 'the gateway records the end of the session');
  await h.db.updateTable('terminals').set({ last_seen_at: Date.now() - 20 * 60_000 }).where('id', '=', car.terminalId).execute();
  await h.waitForRules();
  const before = await h.db.selectFrom('positions').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();

  const output = captureConsole(t);
  const previousKey = process.env.GONGCHE_MASTER_KEY;
  process.env.GONGCHE_MASTER_KEY = h.masterKey;
  let code: number;
  try {
    code = await runCli(['simulate', '--from-store', '--data-dir', h.dir, '--port', String(h.platform.jt808Port), '--terminals', '1', '--interval', '1', '--duration', '6']);
  } finally {
    if (previousKey === undefined) delete process.env.GONGCHE_MASTER_KEY;
    else process.env.GONGCHE_MASTER_KEY = previousKey;
  }
  assert.equal(code, 0, output.err());
  assert.match(output.out(), /1 of 1 terminals start where their vehicles were last reported/);

  await h.waitForRules();
  const simulated = await h.db.selectFrom('positions').select(['id', 'device_time']).where('vehicle_id', '=', car.vehicleId).where('id', '>', Number(before.id)).orderBy('device_time').execute();
  assert.ok(simulated.length >= 3, `the simulator reported ${simulated.length} positions`);
  const token = await h.login('bureau_admin');
  const from = new Date(Number(simulated[0]!.device_time) - 1000).toISOString();
  const track = await h.request('GET', `/api/vehicles/${car.vehicleId}/positions?from=${from}&to=${new Date(Date.now() + 60_000).toISOString()}`, token);
  assert.equal(track.status, 200, JSON.stringify(track.json));
  const items = track.json.items as { latitude: number; longitude: number }[];
  assert.ok(toMarket(items[0]!) < 100, `first simulated report ${Math.round(toMarket(items[0]!))} m from the parked position`);
  assert.ok(toMarket(items[items.length - 1]!) > toMarket(items[0]!), 'the vehicle drives off towards its route');

  const jumps = await h.alerts({ rule: 'device_jump_after_silence', vehicleId: car.vehicleId });
  assert.deepEqual(jumps.map((a) => a.facts), [], 'the first report after the silence is where the vehicle was parked');
});
