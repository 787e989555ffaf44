import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';
import type { Role } from '../../src/security/users.ts';
import { saveAlert } from '../../src/alerts/sink.ts';

/**
 * Every role against every route and resource kind. "own" resources belong to the unit of the
 * unit-scoped users; "other" resources belong to an unrelated unit, so asking for them by id is
 * the IDOR case and must get exactly the 404 of an id that does not exist.
 */
const roleOrder: Role[] = ['bureau_admin', 'inspector', 'unit_supervisor', 'unit_operator', 'installer', 'secrecy_reviewer', 'sys_admin', 'security_admin', 'auditor'];

type Fleet = Awaited<ReturnType<typeof insertFleetVehicle>> & { alarmId: number; alertId: number };
let h: Harness;
let own: Fleet;
let other: Fleet;
/** A driver and a pending trip order of the other unit. */
let otherFacts: { driverId: number; orderId: number };
const tokens = new Map<Role, string>();
const range = 'from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z';

async function fleetWithAlarm(unit: string, plate: string, phone: string): Promise<Fleet> {
  const ids = await insertFleetVehicle(h.store.db, unit, plate, phone);
  await insertPositions(h.store, ids, [{ deviceTime: Date.parse('2024-05-01T08:00:00Z') }]);
  const now = Date.now();
  const alarm = await h.store.db
    .insertInto('emergency_alarms')
    .values({ terminal_id: ids.terminalId, vehicle_id: ids.vehicleId, alarm_serial: 1, started_at: now, last_report_at: now, state: 'open' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = Date.parse('2024-05-01T14:00:00Z');
  const alert = await saveAlert(h.store.db, {
    key: `non_official_place:${ids.vehicleId}:${start}`,
    rule: 'non_official_place',
    vehicleId: ids.vehicleId,
    unitId: ids.unitId,
    start,
    end: start + 3600_000,
    severity: 'medium',
    late: false,
    facts: { dwellS: 3600 },
    evidence: { positionRange: { vehicleId: ids.vehicleId, from: start, to: start + 3600_000 }, positionIds: [], rawFrameIds: [], placeId: null, tripOrderId: null, orderAbsent: true, tripId: null },
  }, now);
  return { ...ids, alarmId: alarm.id, alertId: alert.id };
}

async function driverAndOrder(fleet: Fleet): Promise<{ driverId: number; orderId: number }> {
  const now = Date.now();
  const driver = await h.store.db
    .insertInto('drivers')
    .values({ unit_id: fleet.unitId, name: '权限测试司机', ic_card_number: `QC-${fleet.unitId}`, phone: null, licence_number: null, licence_class: null, active: 1, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const order = await h.store.db
    .insertInto('trip_orders')
    .values({ unit_id: fleet.unitId, vehicle_id: fleet.vehicleId, driver_id: driver.id, applicant: '张三', purpose: '权限测试', start_at: now, end_at: now + 3600_000, out_of_area: 0, holiday_use: 0, status: 'pending', decided_by: null, decided_at: null, decision_comment: null, external_ref: null, created_by: null, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await h.store.db.insertInto('trip_order_destinations').values({ order_id: order.id, seq: 0, place_id: null, name: '喀什市', latitude: 39.47, longitude: 75.99, radius_m: 500 }).execute();
  return { driverId: driver.id, orderId: order.id };
}

before(async () => {
  h = await startHarness();
  own = await fleetWithAlarm('喀什地区权限测试单位甲', '新Q30001', '013930000001');
  other = await fleetWithAlarm('喀什地区权限测试单位乙', '新Q30002', '013930000002');
  otherFacts = await driverAndOrder(other);
  for (const role of roleOrder) {
    const unitId = role === 'unit_supervisor' || role === 'unit_operator' ? own.unitId : undefined;
    tokens.set(role, await h.loginAs(role, unitId === undefined ? {} : { unitId }));
  }
});
after(async () => h.close());

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: () => string;
  /** A body, or a function that builds it once the fixtures exist. */
  payload?: object | (() => object);
  /** Expected status per role, in roleOrder. */
  expect: number[];
}

const cases: Case[] = [
  { name: 'list units', method: 'GET', url: () => '/api/units', expect: [200, 200, 200, 200, 200, 200, 200, 403, 403] },
  { name: 'get own unit', method: 'GET', url: () => `/api/units/${own.unitId}`, expect: [200, 200, 200, 200, 200, 200, 200, 403, 403] },
  { name: 'get other unit', method: 'GET', url: () => `/api/units/${other.unitId}`, expect: [200, 200, 404, 404, 200, 200, 200, 403, 403] },
  { name: 'patch other unit', method: 'PATCH', url: () => `/api/units/${other.unitId}`, payload: { address: '喀什市' }, expect: [200, 403, 403, 403, 403, 403, 200, 403, 403] },
  { name: 'list vehicles', method: 'GET', url: () => '/api/vehicles', expect: [200, 200, 200, 200, 200, 200, 200, 403, 403] },
  { name: 'get own vehicle', method: 'GET', url: () => `/api/vehicles/${own.vehicleId}`, expect: [200, 200, 200, 200, 200, 200, 200, 403, 403] },
  { name: 'get other vehicle', method: 'GET', url: () => `/api/vehicles/${other.vehicleId}`, expect: [200, 200, 404, 404, 200, 200, 200, 403, 403] },
  { name: 'patch other vehicle', method: 'PATCH', url: () => `/api/vehicles/${other.vehicleId}`, payload: { remarks: '测试' }, expect: [200, 403, 403, 403, 403, 403, 200, 403, 403] },
  { name: 'patch own vehicle', method: 'PATCH', url: () => `/api/vehicles/${own.vehicleId}`, payload: { remarks: '测试' }, expect: [200, 403, 403, 403, 403, 403, 200, 403, 403] },
  { name: 'list terminals', method: 'GET', url: () => '/api/terminals', expect: [200, 200, 200, 200, 200, 403, 200, 403, 403] },
  { name: 'get own terminal', method: 'GET', url: () => `/api/terminals/${own.terminalId}`, expect: [200, 200, 200, 200, 200, 403, 200, 403, 403] },
  { name: 'get other terminal', method: 'GET', url: () => `/api/terminals/${other.terminalId}`, expect: [200, 200, 404, 404, 200, 403, 200, 403, 403] },
  { name: 'patch other terminal', method: 'PATCH', url: () => `/api/terminals/${other.terminalId}`, payload: { terminalModel: 'GT-808' }, expect: [200, 403, 403, 403, 200, 403, 200, 403, 403] },
  { name: 'own positions', method: 'GET', url: () => `/api/vehicles/${own.vehicleId}/positions?${range}`, expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'other positions', method: 'GET', url: () => `/api/vehicles/${other.vehicleId}/positions?${range}`, expect: [200, 200, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'own current driver', method: 'GET', url: () => `/api/vehicles/${own.vehicleId}/driver`, expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'other current driver', method: 'GET', url: () => `/api/vehicles/${other.vehicleId}/driver`, expect: [200, 200, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'list alarms', method: 'GET', url: () => '/api/alarms/emergency', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  // Only bureau_admin succeeds; without a gateway the confirmation is pending (202).
  { name: 'acknowledge other alarm', method: 'POST', url: () => `/api/alarms/emergency/${other.alarmId}/acknowledge`, expect: [202, 403, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'list alerts', method: 'GET', url: () => '/api/alerts', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'count alerts', method: 'GET', url: () => '/api/alerts/counts', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'get own alert', method: 'GET', url: () => `/api/alerts/${own.alertId}`, expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'get other alert', method: 'GET', url: () => `/api/alerts/${other.alertId}`, expect: [200, 200, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'explain other alert', method: 'POST', url: () => `/api/alerts/${other.alertId}/explain`, payload: { text: '说明' }, expect: [403, 403, 404, 404, 403, 403, 403, 403, 403] },
  // Only bureau_admin decides; it dismisses first, so no later role changes the state.
  { name: 'dismiss other alert', method: 'POST', url: () => `/api/alerts/${other.alertId}/dismiss`, payload: { reason: '误报' }, expect: [200, 403, 403, 403, 403, 403, 403, 403, 403] },
  { name: 'list places', method: 'GET', url: () => '/api/places', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'create place', method: 'POST', url: () => '/api/places', payload: { name: '权限测试酒店', category: 'hotel', shape: { kind: 'circle', latitude: 39.47, longitude: 75.99, radiusM: 50 } }, expect: [201, 403, 403, 403, 403, 403, 403, 403, 403] },
  { name: 'list orders', method: 'GET', url: () => '/api/orders', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'get other order', method: 'GET', url: () => `/api/orders/${otherFacts.orderId}`, expect: [200, 200, 404, 404, 403, 403, 403, 403, 403] },
  // Only bureau_admin approves it; unit_operator lacks orders.approve, so it gets 403 before the lookup.
  { name: 'approve other order', method: 'POST', url: () => `/api/orders/${otherFacts.orderId}/approve`, payload: {}, expect: [200, 403, 404, 403, 403, 403, 403, 403, 403] },
  { name: 'order own vehicle', method: 'POST', url: () => '/api/orders', payload: () => ({ vehicleId: own.vehicleId, applicant: '张三', purpose: '开会', start: '2025-05-06T09:00:00+08:00', end: '2025-05-06T10:00:00+08:00', destinations: [{ name: '喀什市', latitude: 39.47, longitude: 75.99 }] }), expect: [201, 403, 201, 201, 403, 403, 403, 403, 403] },
  { name: 'list drivers', method: 'GET', url: () => '/api/drivers', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'get other driver', method: 'GET', url: () => `/api/drivers/${otherFacts.driverId}`, expect: [200, 200, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'patch other driver', method: 'PATCH', url: () => `/api/drivers/${otherFacts.driverId}`, payload: { phone: '13800000000' }, expect: [200, 403, 404, 404, 403, 403, 403, 403, 403] },
  { name: 'list duty rosters', method: 'GET', url: () => '/api/duty-rosters', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'calendar status', method: 'GET', url: () => '/api/calendar/status', expect: [200, 200, 200, 200, 403, 403, 403, 403, 403] },
  { name: 'set calendar day', method: 'PUT', url: () => '/api/calendar/days/2026-07-02', payload: { kind: 'holiday', name: '权限测试' }, expect: [200, 403, 403, 403, 403, 403, 403, 403, 403] },
  { name: 'list users', method: 'GET', url: () => '/api/users', expect: [403, 403, 403, 403, 403, 403, 200, 403, 403] },
  { name: 'create user', method: 'POST', url: () => '/api/users', payload: { username: 'matrix.user', role: 'inspector' }, expect: [403, 403, 403, 403, 403, 403, 201, 403, 403] },
  { name: 'read audit log', method: 'GET', url: () => '/api/audit', expect: [403, 403, 403, 403, 403, 403, 403, 403, 200] },
];

describe('access matrix', () => {
  for (const c of cases) {
    roleOrder.forEach((role, index) => {
      test(`${c.name} as ${role} answers ${c.expect[index]}`, async () => {
        const response = await h.app.inject({ method: c.method, url: c.url(), headers: bearer(tokens.get(role)!), ...(c.payload && { payload: typeof c.payload === 'function' ? c.payload() : c.payload }) });
        assert.equal(response.statusCode, c.expect[index], response.body);
        if (response.statusCode === 403) assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
        if (response.statusCode === 404) assert.equal(errorCode(response), 'GONGCHE_ERR_NOT_FOUND');
      });
    });
  }
});

describe('ids of other units', () => {
  test('answer like ids that do not exist', async () => {
    const token = tokens.get('unit_operator')!;
    const hidden = await h.app.inject({ method: 'GET', url: `/api/vehicles/${other.vehicleId}`, headers: bearer(token) });
    const missing = await h.app.inject({ method: 'GET', url: '/api/vehicles/999999', headers: bearer(token) });
    assert.equal(hidden.statusCode, missing.statusCode);
    assert.equal(hidden.json().error.message.replace(String(other.vehicleId), 'ID'), missing.json().error.message.replace('999999', 'ID'));
  });

  test('are recorded as access.denied in the audit log', async () => {
    const token = tokens.get('unit_operator')!;
    await h.app.inject({ method: 'GET', url: `/api/terminals/${other.terminalId}`, headers: bearer(token) });
    const me = (await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).json();
    const entry = await h.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'access.denied')
      .where('object_type', '=', 'terminal')
      .where('actor_user_id', '=', me.id)
      .executeTakeFirst();
    assert.ok(entry, 'access.denied entry written');
    assert.equal(entry.object_id, String(other.terminalId));
    assert.equal(JSON.parse(entry.detail).reason, 'outside_unit_scope');
  });

  test('lists hold only the scope', async () => {
    const token = tokens.get('unit_operator')!;
    const get = async (url: string) => (await h.app.inject({ method: 'GET', url, headers: bearer(token) })).json().items as { id: number }[];
    assert.deepEqual((await get('/api/units')).map((u) => u.id), [own.unitId]);
    assert.deepEqual((await get('/api/vehicles')).map((v) => v.id), [own.vehicleId]);
    assert.deepEqual((await get('/api/terminals')).map((t) => t.id), [own.terminalId]);
    assert.deepEqual((await get('/api/alarms/emergency')).map((a) => a.id), [own.alarmId]);
    assert.deepEqual((await get('/api/alerts')).map((a) => a.id), [own.alertId]);
  });
});
