import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { readOrderFile } from '../../src/orders/import-file.ts';
import { importOrders } from '../../src/orders/import.ts';
import { parseOrderTime, wallTimeToInstant } from '../../src/orders/local-time.ts';
import { shapeColumns } from '../../src/places/repository.ts';
import { runCli } from '../../src/cli/commands.ts';
import { factsStore, unitWithVehicle } from '../helpers/facts-store.ts';
import { captureConsole } from '../helpers/console.ts';
import type { Store } from '../../src/store/db.ts';

describe('order times', () => {
  test('read local times as Beijing time', () => {
    assert.equal(parseOrderTime('2025-05-06 07:30'), Date.parse('2025-05-05T23:30:00Z'));
    assert.equal(parseOrderTime('2025/5/6 7:30'), Date.parse('2025-05-05T23:30:00Z'));
    assert.equal(parseOrderTime('2025年5月6日 7:30'), Date.parse('2025-05-05T23:30:00Z'));
    assert.equal(parseOrderTime('2025-05-06'), Date.parse('2025-05-05T16:00:00Z'));
    assert.equal(parseOrderTime('2025-05-06T07:30:00+06:00'), Date.parse('2025-05-06T01:30:00Z'));
  });

  test('reject impossible dates', () => {
    assert.equal(parseOrderTime('2025-02-30 09:00'), null);
    assert.equal(parseOrderTime('2025-05-06 24:10'), null);
    assert.equal(parseOrderTime('明天上午'), null);
  });

  test('follow another time zone', () => {
    assert.equal(wallTimeToInstant(2025, 0, 1, 12, 0, 0, 'Asia/Urumqi'), Date.parse('2025-01-01T06:00:00Z'));
    assert.equal(parseOrderTime('2025-07-01 12:00', 'Europe/Berlin'), Date.parse('2025-07-01T10:00:00Z'));
  });
});

async function fixture(store: Store) {
  const a = await unitWithVehicle(store, '喀什地区公安局', '新Q70001');
  const b = await unitWithVehicle(store, '喀什地区司法局', '新Q70002');
  const now = Date.now();
  await store.db.insertInto('drivers').values([
    { unit_id: a.unitId, name: '阿不都', ic_card_number: 'QC1', phone: null, licence_number: null, licence_class: null, active: 1, created_at: now, updated_at: now },
    { unit_id: a.unitId, name: '王军', ic_card_number: 'QC2', phone: null, licence_number: null, licence_class: null, active: 1, created_at: now, updated_at: now },
    { unit_id: a.unitId, name: '王军', ic_card_number: 'QC3', phone: null, licence_number: null, licence_class: null, active: 1, created_at: now, updated_at: now },
  ]).execute();
  const place = (name: string) => ({ name, category: 'custom', unit_id: null, ...shapeColumns({ id: 0, name, category: 'custom', unitId: null, shape: { kind: 'circle', latitude: 39.47, longitude: 75.99, radiusM: 100 } }), source: 'api', remarks: null, created_at: now, updated_at: now });
  await store.db.insertInto('places').values([place('地区人民医院'), place('同名地点'), place('同名地点')]).execute();
  return { a, b };
}

const header = '单号,车牌号,驾驶员,申请人,事由,开始时间,结束时间,目的地,出区,节假日用车,状态';

describe('importOrders', () => {
  test('imports a GBK CSV with points', async () => {
    const { store, cleanup } = await factsStore();
    try {
      const { a } = await fixture(store);
      const csv = `${header}\r\nGA-1,新Q·70001,阿不都,张三,押解,2025-10-02 08:00,2025-10-02 20:00,"地区人民医院；莎车县看守所@38.414,77.246,500",是,是,已批准\r\n`;
      const rows = await readOrderFile(iconv.encode(csv, 'gbk'), 'csv', 'orders.csv');
      const result = await importOrders(store.db, rows, { scope: undefined, mayApprove: true, userId: null });
      assert.deepEqual(result.errors, []);
      assert.deepEqual([result.imported, result.orders, result.approved], [true, 1, 1]);
      const order = await store.db.selectFrom('trip_orders').selectAll().executeTakeFirstOrThrow();
      assert.equal(order.vehicle_id, a.vehicleId);
      assert.equal(order.start_at, Date.parse('2025-10-02T00:00:00Z'), '08:00 Beijing time');
      assert.deepEqual([order.out_of_area, order.holiday_use, order.status], [1, 1, 'approved']);
      const destinations = await store.db.selectFrom('trip_order_destinations').selectAll().orderBy('seq').execute();
      assert.deepEqual(destinations.map((d) => [d.name, d.radius_m]), [['地区人民医院', null], ['莎车县看守所', 500]]);
    } finally {
      await cleanup();
    }
  });

  test('lists every bad row and stores none', async () => {
    const { store, cleanup } = await factsStore();
    try {
      await fixture(store);
      const csv = [
        header,
        'A-1,新Q70001,阿不都,张三,开会,2025-05-06 09:00,2025-05-06 08:00,地区人民医院,否,否,',
        'A-2,新Q79999,,张三,开会,2025-05-06 09:00,2025-05-06 10:00,地区人民医院,否,否,',
        'A-3,新Q70001,王军,张三,开会,2025-05-06 09:00,2025-05-06 10:00,同名地点,否,否,',
        'A-4,新Q70001,,张三,开会,下午,2025-05-06 10:00,不存在的地点,也许,否,',
        'A-4,新Q70001,,张三,开会,2025-05-06 09:00,2025-05-06 10:00,地区人民医院,否,否,',
        'A-6,新Q70001,,,开会,2025-05-06 09:00,2025-05-06 10:00,地区人民医院,否,否,已批准',
      ].join('\n');
      const rows = await readOrderFile(Buffer.from(csv), 'csv', 'orders.csv');
      const result = await importOrders(store.db, rows, { scope: undefined, mayApprove: false, userId: null });
      assert.equal(result.imported, false);
      assert.deepEqual(result.errors.map((e) => [e.row, e.column, e.value]), [
        [2, '结束时间', '2025-05-06T00:00:00.000Z'],
        [3, '车牌号', '新Q79999'],
        [4, '驾驶员', '王军'],
        [4, '目的地', '同名地点'],
        [5, '开始时间', '下午'],
        [5, '出区', '也许'],
        [5, '目的地', '不存在的地点'],
        [6, '单号', 'A-4'],
        [7, '申请人', null],
        [7, '状态', '已批准'],
      ]);
      assert.equal(Number((await store.db.selectFrom('trip_orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0);
    } finally {
      await cleanup();
    }
  });

  test('refuses an order number imported before', async () => {
    const { store, cleanup } = await factsStore();
    try {
      await fixture(store);
      const rows = await readOrderFile(Buffer.from(`${header}\nB-1,新Q70001,,张三,开会,2025-05-06 09:00,2025-05-06 10:00,#1,否,否,\n`), 'csv', 'orders.csv');
      assert.equal((await importOrders(store.db, rows, { scope: undefined, mayApprove: false, userId: null })).imported, true);
      const again = await importOrders(store.db, rows, { scope: undefined, mayApprove: false, userId: null });
      assert.match(again.errors[0]!.reason, /already imported as trip order 1/);
    } finally {
      await cleanup();
    }
  });

  test('rejects a file without required columns', async () => {
    await assert.rejects(readOrderFile(Buffer.from('车牌号,申请人\n新Q70001,张三\n'), 'csv', 'orders.csv'), /lacks the columns 事由 \(purpose\), 开始时间 \(start\), 结束时间 \(end\), 目的地 \(destinations\)/);
  });
});

describe('orders import command', () => {
  test('names a vehicle outside --unit', async (t) => {
    const { store, dir, cleanup } = await factsStore();
    const output = captureConsole(t);
    try {
      await fixture(store);
      const file = path.join(dir, 'orders.csv');
      await fs.writeFile(file, `${header}\nC-1,新Q70002,,张三,开会,2025-05-06 09:00,2025-05-06 10:00,地区人民医院,否,否,已批准\n`);
      assert.equal(await runCli(['orders', 'import', file, '--data-dir', dir, '--unit', '喀什地区公安局']), 1);
      assert.match(output.err(), /row 2, 车牌号 "新Q70002": the vehicle belongs to 喀什地区司法局, not to 喀什地区公安局/);
      assert.equal(await runCli(['orders', 'import', file, '--data-dir', dir, '--unit', '喀什地区司法局']), 0, output.err());
      assert.match(output.out(), /imported 1 trip order\(s\), 1 of them approved/);
      const audit = await store.db.selectFrom('audit_log').select(['action', 'actor_username']).where('action', '=', 'trip_orders.imported').executeTakeFirstOrThrow();
      assert.match(audit.actor_username, /^os:/);
    } finally {
      await cleanup();
    }
  });
});
