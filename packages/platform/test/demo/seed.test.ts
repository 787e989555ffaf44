import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { loadDemoUnits, seedDemoFleet } from '../../src/demo/seed.ts';
import { createUnit } from '../../src/registry/units.ts';
import { unitInput } from '../../src/registry/schemas.ts';

const logger = createLogger({ level: 'silent' });
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-seed-'));
  store = await openStore({ file: path.join(dir, 'gongche.db') });
});

afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = async (table: 'units' | 'vehicles' | 'terminals') =>
  Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('seedDemoFleet', () => {
  test('adds 24 units, 106 vehicles and a terminal per vehicle with a phone', async () => {
    const demo = loadDemoUnits();
    const withPhone = demo.flatMap((u) => u.vehicles).filter((v) => v.terminalPhone && !v.exemptReason).length;

    const counts = await seedDemoFleet(store.db, logger);

    assert.deepEqual(counts, { units: 24, vehicles: 106, terminals: withPhone });
    assert.equal(await count('units'), 24);
    assert.equal(await count('vehicles'), 106);
    assert.equal(await count('terminals'), withPhone);
    const terminal = await store.db.selectFrom('terminals').selectAll().where('phone', '=', '013900000000').executeTakeFirstOrThrow();
    const vehicle = await store.db.selectFrom('vehicles').selectAll().where('id', '=', terminal.vehicle_id!).executeTakeFirstOrThrow();
    assert.equal(vehicle.plate, '新Q62947');
  });

  test('registers exempt vehicles without a terminal', async () => {
    await seedDemoFleet(store.db, logger);
    const exempt = await store.db
      .selectFrom('vehicles')
      .leftJoin('terminals', 'terminals.vehicle_id', 'vehicles.id')
      .select(['vehicles.plate', 'terminals.id as terminalId'])
      .where('vehicles.plate', 'in', ['新QA8338', '新Q2129警'])
      .execute();
    assert.equal(exempt.length, 2);
    for (const row of exempt) assert.equal(row.terminalId, null, `${row.plate} has no terminal`);
  });

  test('links supervising units by name', async () => {
    await seedDemoFleet(store.db, logger);
    const rows = await store.db
      .selectFrom('units as u')
      .innerJoin('units as s', 's.id', 'u.supervising_unit_id')
      .select(['u.name as unit', 's.name as supervisor'])
      .orderBy('u.id')
      .execute();
    const expected = loadDemoUnits()
      .filter((u) => u.supervisingUnit)
      .map((u) => ({ unit: u.name, supervisor: u.supervisingUnit }));
    assert.equal(rows.length, 5);
    assert.deepEqual(rows, expected);
  });

  test('adds nothing on a second run', async () => {
    await seedDemoFleet(store.db, logger);
    const second = await seedDemoFleet(store.db, logger);
    assert.deepEqual(second, { units: 0, vehicles: 0, terminals: 0 });
    assert.equal(await count('units'), 24);
    assert.equal(await count('vehicles'), 106);
  });

  test('leaves a stored unit unchanged and adds only the missing rows', async () => {
    const own = await createUnit(store.db, unitInput.parse({ name: '喀什地区财政局', level: '科级', address: '自定义地址' }));
    const counts = await seedDemoFleet(store.db, logger);

    assert.equal(counts.units, 23);
    assert.equal(counts.vehicles, 106);
    const after = await store.db.selectFrom('units').selectAll().where('id', '=', own.id).executeTakeFirstOrThrow();
    assert.equal(after.level, '科级');
    assert.equal(after.address, '自定义地址');
    assert.equal(after.organisation_code, null);
    const financeVehicles = await store.db.selectFrom('vehicles').select('id').where('unit_id', '=', own.id).execute();
    assert.equal(financeVehicles.length, 5, 'the demo vehicles of that unit are added to the stored unit');
  });
});
