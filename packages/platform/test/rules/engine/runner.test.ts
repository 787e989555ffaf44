import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/store/db.ts';
import { createLogger } from '../../../src/logger.ts';
import { RuleRunner } from '../../../src/rules/engine/runner.ts';
import { attachTestKeyring } from '../../helpers/keyring.ts';
import { insertFleetVehicle, insertPositions } from '../../api/fixtures.ts';

let dir: string;
let store: Store;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-runner-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachTestKeyring(store);
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const storedCursor = async () => (await store.db.selectFrom('rule_cursor').select('position_id').where('name', '=', 'live').executeTakeFirst())?.position_id ?? 0;
const maxPositionId = async () => (await store.db.selectFrom('positions').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow()).id ?? 0;

test('runner skips positions it cannot place', async () => {
  const fleet = await insertFleetVehicle(store.db, '喀什地区测试单位', '新Q70001', '013970000001');
  const start = Date.UTC(2026, 2, 2, 1, 0);
  await insertPositions(store, { vehicleId: null as unknown as number, terminalId: fleet.terminalId }, [{ deviceTime: start }, { deviceTime: start + 30_000 }]);
  await insertPositions(store, fleet, [{ deviceTime: null, receivedAt: start + 60_000 }]);
  const runner = new RuleRunner({ store, logger: createLogger(), detectors: [] });
  const result = await runner.step();
  assert.equal(result.positions, 3);
  assert.equal(await storedCursor(), await maxPositionId());
  assert.equal((await runner.step()).positions, 0);
});

test('backlog stores state at intervals', async () => {
  const fleet = await insertFleetVehicle(store.db, '喀什地区测试单位', '新Q70002', '013970000002');
  const start = Date.UTC(2026, 2, 3, 1, 0);
  await insertPositions(store, fleet, Array.from({ length: 40 }, (_, i) => ({ deviceTime: start + i * 30_000, longitude: 75.99 + i * 0.001 })));
  const before = await storedCursor();
  const runner = new RuleRunner({ store, logger: createLogger(), detectors: [], batchSize: 10, stateFlushMs: 3_600_000 });

  for (let i = 0; i < 4; i++) assert.equal((await runner.step()).positions, 10);
  assert.equal(await storedCursor(), before, 'full batches of a backlog leave the stored cursor alone');
  assert.equal(runner.cursor, await maxPositionId());
  const state = () => store.db.selectFrom('rule_vehicle_states').selectAll().where('vehicle_id', '=', fleet.vehicleId).executeTakeFirst();
  assert.equal(await state(), undefined);

  assert.equal((await runner.step()).positions, 0);
  assert.equal(await storedCursor(), await maxPositionId(), 'caught up: state and cursor stored');
  assert.equal((await state())!.last_time, start + 39 * 30_000);
});
