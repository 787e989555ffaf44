import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer } from '../api/harness.ts';
import { insertFleetVehicle, insertPositions } from '../api/fixtures.ts';
import { requireKeyring } from '../../src/crypto/setup.ts';
import { openFrame } from '../../src/ingest/sealed-rows.ts';
import { alertDraft, insertAlert, startAlertHarness, type AlertHarness } from './harness.ts';

let h: AlertHarness;
type Fleet = Awaited<ReturnType<typeof insertFleetVehicle>>;
let own: Fleet;
let leader: Fleet;
const tokens: Record<string, string> = {};

// 2025-10-08 22:00 to 23:00 Beijing time: a night at a hotel.
const night = Date.UTC(2025, 9, 8, 14, 0);
const minute = 60_000;

async function positionsOf(vehicleId: number) {
  return h.store.db.selectFrom('positions').select(['id', 'raw_frame_id', 'device_time']).where('vehicle_id', '=', vehicleId).orderBy('device_time').execute();
}

async function insertHotel(): Promise<number> {
  const now = Date.now();
  const shape = { type: 'circle', center: [75.9938, 39.4677], radiusM: 80 };
  const row = await h.store.db
    .insertInto('places')
    .values({ name: '喀什某宾馆', category: 'hotel', unit_id: null, shape: JSON.stringify(shape), min_lon: 75.99, min_lat: 39.46, max_lon: 76.0, max_lat: 39.47, source: 'api', remarks: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

before(async () => {
  h = await startAlertHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区证据测试单位', '新Q70001', '013970000001');
  leader = await insertFleetVehicle(h.store.db, '喀什地区证据测试单位', '新Q70002', '013970000002');
  await h.store.db.updateTable('vehicles').set({ usage_nature: '领导保障用车' }).where('id', '=', leader.vehicleId).execute();
  tokens.operator = await h.loginAs('unit_operator', { unitId: own.unitId });
  tokens.bureau = await h.loginAs('bureau_admin');
  tokens.inspector = await h.loginAs('inspector');
  await insertPositions(h.store, own, [
    { deviceTime: night - 10 * minute, latitude: 39.48, longitude: 75.98 },
    { deviceTime: night, latitude: 39.4677, longitude: 75.9938 },
    { deviceTime: night + 30 * minute, latitude: 39.46775, longitude: 75.99385 },
    { deviceTime: night + 60 * minute, latitude: 39.4677, longitude: 75.9938 },
    { deviceTime: night + 61 * minute, latitude: 39.49, longitude: 75.97 },
  ]);
});
after(async () => h.close());

test('evidence resolves positions, place and frames', async () => {
  const placeId = await insertHotel();
  const stored = await positionsOf(own.vehicleId);
  const inRange = stored.slice(1, 4);
  const id = await insertAlert(
    h.store,
    alertDraft(own, {
      start: night,
      end: night + 60 * minute,
      evidence: {
        positionRange: { vehicleId: own.vehicleId, from: night, to: night + 60 * minute },
        positionIds: inRange.map((p) => p.id),
        rawFrameIds: [inRange[0]!.raw_frame_id, inRange[2]!.raw_frame_id],
        placeId,
        tripOrderId: null,
        orderAbsent: true,
        tripId: null,
      },
    }),
  );
  const response = await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.operator!) });
  assert.equal(response.statusCode, 200, response.body);
  const body = response.json();
  const evidence = body.evidenceResolved;

  assert.deepEqual(evidence.positions.items.map((p: { id: number }) => p.id), inRange.map((p) => p.id), 'positions of the range, its end included');
  assert.equal(evidence.positions.access, 'live');
  assert.equal(evidence.positions.items[0].latitude, 39.4677);
  assert.equal(evidence.place.name, '喀什某宾馆');
  assert.equal(evidence.place.category, 'hotel');
  assert.deepEqual(evidence.place.shape, { type: 'circle', center: [75.9938, 39.4677], radiusM: 80 });
  assert.equal(evidence.orderAbsent, true);
  assert.equal(evidence.tripOrder, null);
  assert.deepEqual(evidence.approvedOrdersInSpan, []);

  assert.equal(evidence.rawFrames.length, 2);
  const frame = evidence.rawFrames[0];
  assert.equal(frame.stored, true);
  assert.equal(frame.messageId, '0x0200');
  assert.equal(frame.header.messageId, '0x0200');
  assert.equal(frame.header.phone, '013900000000');
  assert.equal(frame.decodeError, null);
  const row = await h.store.db.selectFrom('raw_frames').selectAll().where('id', '=', inRange[0]!.raw_frame_id).executeTakeFirstOrThrow();
  assert.equal(frame.hex, openFrame(requireKeyring(h.store), row).toString('hex'), 'hex is the unsealed frame content');

  assert.equal(body.ruleName.en, 'Parked at an entertainment venue, hotel, restaurant or scenic spot');
  assert.deepEqual(body.transitions, []);

  const audit = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'alert.evidence_read').where('object_id', '=', String(id)).execute();
  assert.equal(audit.length, 1);
  assert.equal(JSON.parse(audit[0]!.detail).positions, 3);
});

test('trip order resolves with destinations', async () => {
  const now = Date.now();
  const order = await h.store.db
    .insertInto('trip_orders')
    .values({
      unit_id: own.unitId,
      vehicle_id: own.vehicleId,
      driver_id: null,
      applicant: '艾力',
      purpose: '下乡调研',
      start_at: night - 3600_000,
      end_at: night + 3 * 3600_000,
      out_of_area: 0,
      holiday_use: 0,
      status: 'approved',
      decided_by: null,
      decided_at: now,
      decision_comment: null,
      external_ref: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.store.db.insertInto('trip_order_destinations').values([
    { order_id: order.id, seq: 0, place_id: null, name: '疏附县政府', latitude: 39.375, longitude: 75.86, radius_m: 300 },
    { order_id: order.id, seq: 1, place_id: null, name: '托克扎克镇', latitude: 39.41, longitude: 75.82, radius_m: 500 },
  ]).execute();
  const id = await insertAlert(
    h.store,
    alertDraft(own, {
      rule: 'route_deviation',
      evidence: { positionRange: { vehicleId: own.vehicleId, from: night, to: night + minute }, positionIds: [], rawFrameIds: [], placeId: null, tripOrderId: order.id, orderAbsent: false, tripId: 424242 },
    }),
  );
  const evidence = (await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.bureau!) })).json().evidenceResolved;
  assert.equal(evidence.tripOrder.purpose, '下乡调研');
  assert.deepEqual(evidence.tripOrder.destinations.map((d: { name: string }) => d.name), ['疏附县政府', '托克扎克镇']);
  assert.equal(evidence.orderAbsent, false);
  assert.deepEqual(evidence.approvedOrdersInSpan.map((o: { id: number }) => o.id), [order.id]);
  assert.equal(evidence.trip, null, 'a trip id no longer stored resolves to null');
});

test('purged frame shows as not stored', async () => {
  const id = await insertAlert(
    h.store,
    alertDraft(own, { evidence: { positionRange: { vehicleId: own.vehicleId, from: night, to: night }, positionIds: [], rawFrameIds: [987654], placeId: 55555, tripOrderId: null, orderAbsent: true, tripId: null } }),
  );
  const evidence = (await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.bureau!) })).json().evidenceResolved;
  assert.deepEqual(evidence.rawFrames, [{ id: 987654, stored: false, terminalId: null, receivedAt: null, messageId: null, serial: null, header: null, hex: null, decodeError: null }]);
  assert.equal(evidence.place, null);
});

test('leadership evidence follows the delay', async () => {
  const now = Date.now();
  const old = now - 2 * 3600_000;
  const recent = now - 5 * minute;
  await insertPositions(h.store, leader, [{ deviceTime: old }, { deviceTime: recent }]);
  const stored = await positionsOf(leader.vehicleId);
  const id = await insertAlert(
    h.store,
    alertDraft(leader, {
      start: old,
      end: recent,
      evidence: { positionRange: { vehicleId: leader.vehicleId, from: old, to: recent }, positionIds: stored.map((p) => p.id), rawFrameIds: stored.map((p) => p.raw_frame_id), placeId: null, tripOrderId: null, orderAbsent: true, tripId: null },
    }),
  );

  const delayed = (await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.operator!) })).json().evidenceResolved;
  assert.equal(delayed.positions.access, 'delayed');
  assert.deepEqual(delayed.positions.items.map((p: { id: number }) => p.id), [stored[0]!.id], 'the position inside the delay is withheld');
  assert.deepEqual(delayed.rawFrames.map((f: { id: number }) => f.id), [stored[0]!.raw_frame_id]);
  assert.equal(delayed.rawFramesWithheld, 1);

  const noReason = (await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.bureau!) })).json().evidenceResolved;
  assert.equal(noReason.positions.access, 'delayed', 'a live viewer without a stated reason sees the delayed view');

  const live = await h.app.inject({ method: 'GET', url: `/api/alerts/${id}?reason=${encodeURIComponent('核查预警证据')}`, headers: bearer(tokens.bureau!) });
  const liveEvidence = live.json().evidenceResolved;
  assert.equal(liveEvidence.positions.access, 'live');
  assert.equal(liveEvidence.positions.items.length, 2);
  assert.equal(liveEvidence.rawFrames.length, 2);

  const viewed = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'leadership.positions_viewed').where('object_id', '=', String(leader.vehicleId)).execute();
  assert.equal(viewed.length, 3);
  assert.equal(JSON.parse(viewed[2]!.detail).reason, '核查预警证据');
});

test('leadership frame received late shows by device time', async () => {
  const yesterday = Date.now() - 24 * 3600_000;
  const recent = Date.now() - 2 * minute;
  // A blind-area upload: yesterday's fix received two minutes ago, inside the 30-minute delay.
  await insertPositions(h.store, leader, [{ deviceTime: yesterday, receivedAt: recent }]);
  const [late] = await h.store.db.selectFrom('positions').select(['id', 'raw_frame_id']).where('vehicle_id', '=', leader.vehicleId).where('device_time', '=', yesterday).execute();
  const id = await insertAlert(
    h.store,
    alertDraft(leader, {
      start: yesterday,
      end: yesterday,
      evidence: { positionRange: { vehicleId: leader.vehicleId, from: yesterday, to: yesterday }, positionIds: [late!.id], rawFrameIds: [late!.raw_frame_id], placeId: null, tripOrderId: null, orderAbsent: true, tripId: null },
    }),
  );

  const evidence = (await h.app.inject({ method: 'GET', url: `/api/alerts/${id}`, headers: bearer(tokens.operator!) })).json().evidenceResolved;
  assert.equal(evidence.positions.access, 'delayed');
  assert.deepEqual(evidence.positions.items.map((p: { id: number }) => p.id), [late!.id]);
  assert.deepEqual(evidence.rawFrames.map((f: { id: number }) => f.id), [late!.raw_frame_id], 'the frame follows its position\'s device time');
  assert.equal(evidence.rawFramesWithheld, 0);
});

test('list filters, pages and counts', async () => {
  const other = await insertFleetVehicle(h.store.db, '喀什地区证据测试其他单位', '新Q70003', '013970000003');
  const base = Date.UTC(2025, 0, 6, 2, 0);
  await insertAlert(h.store, alertDraft(other, { rule: 'holiday_use', start: base, end: base + minute, severity: 'high' }));
  await insertAlert(h.store, alertDraft(other, { rule: 'holiday_use', start: base + 86_400_000, end: base + 86_400_000 + minute, late: true }));
  await insertAlert(h.store, alertDraft(other, { rule: 'device_power_cut', start: base + 2 * 86_400_000, end: base + 2 * 86_400_000 + minute }));
  const list = (query: string, token = tokens.bureau!) => h.app.inject({ method: 'GET', url: `/api/alerts?${query}`, headers: bearer(token) });

  const byUnit = (await list(`unitId=${other.unitId}`)).json();
  assert.equal(byUnit.total, 3);
  assert.deepEqual(byUnit.items.map((a: { start: string }) => a.start), [base + 2 * 86_400_000, base + 86_400_000, base].map((t) => new Date(t).toISOString()), 'newest first');

  assert.equal((await list(`unitId=${other.unitId}&rule=holiday_use`)).json().total, 2);
  assert.equal((await list(`unitId=${other.unitId}&rule=holiday_use,device_power_cut&severity=high`)).json().total, 1);
  assert.equal((await list(`unitId=${other.unitId}&late=true`)).json().total, 1);
  assert.equal((await list(`vehicleId=${other.vehicleId}&from=2025-01-07T00:00:00Z&to=2025-01-08T00:00:00Z`)).json().total, 1);

  const page = (await list(`unitId=${other.unitId}&limit=2&offset=2`)).json();
  assert.equal(page.items.length, 1);
  assert.equal(page.total, 3);

  const scoped = (await list(`unitId=${other.unitId}`, tokens.operator)).json();
  assert.equal(scoped.total, 0, 'an operator of another unit sees none of them');

  const bad = await list('state=open');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /unknown state open/);

  const counts = (await h.app.inject({ method: 'GET', url: `/api/alerts/counts?unitId=${other.unitId}`, headers: bearer(tokens.inspector!) })).json();
  assert.equal(counts.total, 3);
  assert.deepEqual(counts.byRule.map((r: { rule: string; count: number }) => [r.rule, r.count]), [['holiday_use', 2], ['device_power_cut', 1]]);
  assert.equal(counts.byRule[0].ruleName.zh, '节假日违规使用应封存车辆');
  assert.deepEqual(counts.byUnit, [{ unitId: other.unitId, unitName: '喀什地区证据测试其他单位', count: 3 }]);
  assert.deepEqual(counts.byState, [{ state: 'pending', count: 3 }]);
});
