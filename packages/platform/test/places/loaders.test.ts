import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factsStore, unitWithVehicle } from '../helpers/facts-store.ts';
import { loadPlaces, shapeColumns } from '../../src/places/repository.ts';
import { loadApprovedOrders } from '../../src/orders/repository.ts';
import { loadDriverReports, loadDutyRoster, loadUnitDriverCards } from '../../src/drivers/repository.ts';
import { PlaceIndex, type Place } from '../../src/rules/places.ts';

const hour = 3_600_000;
const t0 = Date.UTC(2025, 4, 6, 2, 0, 0); // 10:00 Beijing time

test('loadPlaces returns shapes ready for indexing', async () => {
  const { store, cleanup } = await factsStore();
  try {
    const { unitId } = await unitWithVehicle(store, '喀什地区行政公署', '新Q·A0001');
    const office: Place = { id: 0, name: '行署停车场', category: 'designated_parking', unitId, shape: { kind: 'circle', latitude: 39.4704, longitude: 75.9897, radiusM: 80 } };
    const hotel: Place = { id: 0, name: '酒店', category: 'hotel', unitId: null, shape: { kind: 'polygon', rings: [[[75.99, 39.47], [75.991, 39.47], [75.991, 39.471], [75.99, 39.471]]] } };
    for (const place of [office, hotel]) {
      await store.db.insertInto('places').values({ name: place.name, category: place.category, unit_id: place.unitId, ...shapeColumns(place), source: 'api', remarks: null, created_at: t0, updated_at: t0 }).execute();
    }
    const places = await loadPlaces(store.db);
    assert.deepEqual(places.map((p) => [p.name, p.category, p.unitId]), [['行署停车场', 'designated_parking', unitId], ['酒店', 'hotel', null]]);
    const index = new PlaceIndex(places);
    assert.deepEqual(index.containing({ latitude: 39.4705, longitude: 75.9908 }).map((p) => p.name), ['酒店']);
  } finally {
    await cleanup();
  }
});

test('approved orders load by overlapping window', async () => {
  const { store, cleanup } = await factsStore();
  try {
    const a = await unitWithVehicle(store, '喀什市公安局', '新Q·P0001');
    const b = await unitWithVehicle(store, '喀什市公安局', '新Q·P0002');
    const place = await store.db
      .insertInto('places')
      .values({ name: '喀什古城', category: 'scenic_spot', unit_id: null, ...shapeColumns({ id: 0, name: 'x', category: 'scenic_spot', unitId: null, shape: { kind: 'circle', latitude: 39.47, longitude: 75.99, radiusM: 300 } }), source: 'api', remarks: null, created_at: t0, updated_at: t0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const order = (vehicleId: number, start: number, end: number, status: string, ref: string) =>
      store.db
        .insertInto('trip_orders')
        .values({ unit_id: a.unitId, vehicle_id: vehicleId, driver_id: null, applicant: '张三', purpose: '检查', start_at: start, end_at: end, out_of_area: 0, holiday_use: 1, status, decided_by: null, decided_at: null, decision_comment: null, external_ref: ref, created_by: null, created_at: t0, updated_at: t0 })
        .returning('id')
        .executeTakeFirstOrThrow();
    const inside = await order(a.vehicleId, t0, t0 + 2 * hour, 'approved', 'A1');
    await order(a.vehicleId, t0 + 3 * hour, t0 + 4 * hour, 'pending', 'A2');
    await order(a.vehicleId, t0 - 5 * hour, t0 - 4 * hour, 'approved', 'A3');
    await order(b.vehicleId, t0, t0 + hour, 'approved', 'B1');
    await store.db.insertInto('trip_order_destinations').values([
      { order_id: inside.id, seq: 1, place_id: null, name: '疏附县', latitude: 39.375, longitude: 75.86, radius_m: 2000 },
      { order_id: inside.id, seq: 0, place_id: place.id, name: '喀什古城', latitude: null, longitude: null, radius_m: null },
    ]).execute();

    const forA = await loadApprovedOrders(store.db, { vehicleId: a.vehicleId, from: t0 + hour, to: t0 + 5 * hour });
    assert.deepEqual(forA.map((o) => o.id), [inside.id]);
    assert.equal(forA[0]!.holidayUse, true);
    assert.deepEqual(forA[0]!.destinations, [
      { placeId: place.id, name: '喀什古城', latitude: 39.47, longitude: 75.99, radiusM: 300 },
      { placeId: null, name: '疏附县', latitude: 39.375, longitude: 75.86, radiusM: 2000 },
    ]);
    // The boundaries are inclusive: an order ending exactly at `from` overlaps.
    const touching = await loadApprovedOrders(store.db, { from: t0 + hour, to: t0 + hour });
    assert.deepEqual(touching.map((o) => o.vehicleId).sort(), [a.vehicleId, b.vehicleId].sort());
    assert.deepEqual(await loadApprovedOrders(store.db, { from: t0 + 2 * hour + 1, to: t0 + 10 * hour }), []);
  } finally {
    await cleanup();
  }
});

test('driver cards, reports and roster load', async () => {
  const { store, cleanup } = await factsStore();
  try {
    const a = await unitWithVehicle(store, '疏勒县人民法院', '新Q·F0001');
    const b = await unitWithVehicle(store, '伽师县人民检察院', '新Q·J0001');
    const driver = (unitId: number, name: string, card: string | null, active: number) =>
      store.db.insertInto('drivers').values({ unit_id: unitId, name, ic_card_number: card, phone: null, licence_number: null, licence_class: null, active, created_at: t0, updated_at: t0 }).execute();
    await driver(a.unitId, '艾力', 'QC0001', 1);
    await driver(a.unitId, '买买提', 'QC0002', 0);
    await driver(a.unitId, '李四', null, 1);
    await driver(b.unitId, '王五', 'QC0003', 1);
    const cards = await loadUnitDriverCards(store.db);
    assert.deepEqual([...cards.get(a.unitId)!], ['QC0001']);
    assert.deepEqual([...cards.get(b.unitId)!], ['QC0003']);

    const terminal = await store.db.insertInto('terminals').values({ phone: '13900000001', phone_key: '13900000001', vehicle_id: a.vehicleId, created_at: t0, updated_at: t0 }).returning('id').executeTakeFirstOrThrow();
    const report = (deviceTime: number | null, receivedAt: number, state: string, card: string | null) =>
      store.db.insertInto('driver_reports').values({ terminal_id: terminal.id, vehicle_id: a.vehicleId, device_time: deviceTime, received_at: receivedAt, state, read_result: state === 'in' ? 0 : null, card_number: card, driver_name: null, raw_frame_id: null }).execute();
    await report(t0 + hour, t0 + hour + 500, 'out', null);
    await report(t0, t0 + 5 * hour, 'in', 'QC0001'); // blind-area upload: device time counts
    await report(null, t0 + 30 * 60_000, 'in', 'QC0009'); // no device time: receipt time counts
    await report(t0 + 3 * hour, t0 + 3 * hour, 'in', 'QC0001');
    const reports = await loadDriverReports(store.db, { vehicleId: a.vehicleId, from: t0, to: t0 + hour });
    assert.deepEqual(reports.map((r) => [r.time - t0, r.state, r.cardNumber]), [[0, 'in', 'QC0001'], [30 * 60_000, 'in', 'QC0009'], [hour, 'out', null]]);
    assert.deepEqual(await loadDriverReports(store.db, { vehicleId: b.vehicleId, from: 0, to: t0 * 2 }), []);

    const roster = (vehicleId: number, date: string, status: string) =>
      store.db.insertInto('duty_rosters').values({ vehicle_id: vehicleId, date, reason: '春节值班', status, requested_by: null, decided_by: null, decided_at: null, created_at: t0 }).execute();
    await roster(a.vehicleId, '2025-01-28', 'approved');
    await roster(b.vehicleId, '2025-01-29', 'pending');
    await roster(b.vehicleId, '2025-01-31', 'approved');
    await roster(a.vehicleId, '2025-02-01', 'approved');
    assert.deepEqual(await loadDutyRoster(store.db, { from: '2025-01-28', to: '2025-01-31' }), [
      { vehicleId: a.vehicleId, date: '2025-01-28' },
      { vehicleId: b.vehicleId, date: '2025-01-31' },
    ]);
  } finally {
    await cleanup();
  }
});
