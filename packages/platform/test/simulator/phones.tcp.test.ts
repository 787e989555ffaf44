import net from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/commands.ts';
import { parsePhones } from '../../src/cli/simulate.ts';
import { startRulesHarness, type RulesHarness } from '../helpers/rules-harness.ts';
import { captureConsole } from '../helpers/console.ts';

let h: RulesHarness;
before(async () => {
  h = await startRulesHarness();
});
after(() => h.close());

async function simulate(args: string[]): Promise<number> {
  const previousKey = process.env.GONGCHE_MASTER_KEY;
  process.env.GONGCHE_MASTER_KEY = h.masterKey;
  try {
    return await runCli(['simulate', '--data-dir', h.dir, '--port', String(h.platform.jt808Port), '--interval', '1', ...args]);
  } finally {
    if (previousKey === undefined) delete process.env.GONGCHE_MASTER_KEY;
    else process.env.GONGCHE_MASTER_KEY = previousKey;
  }
}

async function positionCount(vehicleId: number): Promise<number> {
  const row = await h.db.selectFrom('positions').select((eb) => eb.fn.countAll<number>().as('n')).where('vehicle_id', '=', vehicleId).executeTakeFirstOrThrow();
  return Number(row.n);
}

test('simulate --phones drives only named terminals', async (t) => {
  // Two bound terminals that never reported: --from-store would take the first in registry order.
  const first = await h.addVehicle();
  const named = await h.addVehicle();
  const output = captureConsole(t);
  const code = await simulate(['--phones', named.phone, '--duration', '3']);
  assert.equal(code, 0, output.err());
  assert.match(output.out(), /simulating 1 terminals/);
  assert.ok((await positionCount(named.vehicleId)) >= 2, 'the named terminal reported');
  assert.equal(await positionCount(first.vehicleId), 0, 'the other terminal stayed silent');
});

test('phones sharing last digits are distinct devices', async (t) => {
  // The last seven digits match: terminal IDs cut from the phone used to collide here.
  const demo = await h.addVehicle({ phone: '013900000731', plate: '新Q7A731' });
  const fresh = await h.addVehicle({ phone: '013800000731', plate: '新Q7B731' });
  const output = captureConsole(t);
  assert.equal(await simulate(['--phones', `${demo.phone},${fresh.phone}`, '--duration', '3']), 0, output.err());
  assert.match(output.out(), /013900000731, 013800000731/, 'the phones it drives are listed');
  await h.waitForRules();
  for (const vehicle of [demo, fresh]) {
    assert.deepEqual((await h.alerts({ vehicleId: vehicle.vehicleId, rule: 'device_swap' })).map((a) => a.facts), []);
  }
  const ids = await h.db.selectFrom('terminals').select('terminal_id').where('phone', 'in', [demo.phone, fresh.phone]).execute();
  assert.equal(new Set(ids.map((row) => row.terminal_id)).size, 2);
});

test('simulate fails when no gateway answers', async (t) => {
  const car = await h.addVehicle();
  // A port that was free a moment ago: every connection to it is refused.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const output = captureConsole(t);
  const previousKey = process.env.GONGCHE_MASTER_KEY;
  process.env.GONGCHE_MASTER_KEY = h.masterKey;
  let code: number;
  try {
    code = await runCli(['simulate', '--data-dir', h.dir, '--port', String(closedPort), '--interval', '1', '--phones', car.phone, '--duration', '2']);
  } finally {
    if (previousKey === undefined) delete process.env.GONGCHE_MASTER_KEY;
    else process.env.GONGCHE_MASTER_KEY = previousKey;
  }
  assert.equal(code, 1);
  assert.match(output.err(), new RegExp(`1 of 1 terminals never authenticated with 127\\.0\\.0\\.1:${closedPort}`));
});

test('simulate --phones rejects unbound phone', async (t) => {
  const output = captureConsole(t);
  const code = await simulate(['--phones', '019999999999', '--duration', '1']);
  assert.notEqual(code, 0);
  assert.match(output.err(), /--phones: no terminal bound to a vehicle has phone 019999999999/);
  assert.doesNotMatch(output.out(), /simulating/);
});

test('simulate --phones rejects malformed list', () => {
  assert.deepEqual(parsePhones(' 013911110001, 013911110002 '), ['013911110001', '013911110002']);
  assert.throws(() => parsePhones('0139-1111'), /"0139-1111" is not a terminal phone/);
  assert.throws(() => parsePhones(' , '), /needs at least one phone/);
});
