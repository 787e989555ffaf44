import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness, type HarnessSettings } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';
import type { LeadershipViewerRule } from '../../src/config.ts';

type Ids = Awaited<ReturnType<typeof insertFleetVehicle>>;
const now = Date.now();
const recent = now - 10 * 60_000;
const old = now - 2 * 3600_000;
const range = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;

/** Starts a harness with one leadership vehicle and one general vehicle, each with an old and a recent fix. */
async function fleet(settings: HarnessSettings = {}) {
  const h = await startHarness(undefined, settings);
  const leader = await insertFleetVehicle(h.store.db, '喀什地区行政公署办公室', '新Q50001', '013950000001');
  const general = await insertFleetVehicle(h.store.db, '喀什地区行政公署办公室', '新Q50002', '013950000002');
  await h.store.db.updateTable('vehicles').set({ usage_nature: '领导保障用车', leader_rank: '副厅级' }).where('id', '=', leader.vehicleId).execute();
  await h.store.db.updateTable('vehicles').set({ usage_nature: '一般公务用车' }).where('id', '=', general.vehicleId).execute();
  for (const ids of [leader, general]) {
    await insertPositions(h.store, ids, [{ deviceTime: old, latitude: 39.1 }, { deviceTime: recent, latitude: 39.2 }]);
  }
  return { h, leader, general };
}

const get = (h: Harness, url: string, token: string) => h.app.inject({ method: 'GET', url, headers: bearer(token) });
const latitudes = (body: { items: { latitude: number }[] }) => body.items.map((p) => p.latitude);

async function viewEntries(h: Harness, vehicleId: number) {
  const rows = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'leadership.positions_viewed').where('object_id', '=', String(vehicleId)).orderBy('seq').execute();
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

describe('leadership vehicles with default settings', () => {
  let h: Harness;
  let leader: Ids;
  let general: Ids;
  before(async () => {
    ({ h, leader, general } = await fleet());
  });
  after(async () => h.close());

  test('others see positions delayed by 30 minutes', async () => {
    const inspector = await h.loginAs('inspector');
    const response = await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}`, inspector);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(latitudes(body), [39.1]);
    assert.equal(body.positionAccess, 'delayed');
    const cutoff = Date.parse(body.positionsBefore);
    assert.ok(Math.abs(cutoff - (Date.now() - 30 * 60_000)) < 60_000, body.positionsBefore);
    const [entry] = await viewEntries(h, leader.vehicleId);
    assert.equal(entry?.detail.view, 'delayed');
  });

  test('others see the delayed last position in the vehicle list', async () => {
    const inspector = await h.loginAs('inspector');
    const items = (await get(h, '/api/vehicles', inspector)).json().items as { id: number; positionAccess: string; lastPosition: { latitude: number } }[];
    const leaderItem = items.find((v) => v.id === leader.vehicleId)!;
    assert.equal(leaderItem.positionAccess, 'delayed');
    assert.equal(leaderItem.lastPosition.latitude, 39.1);
    const generalItem = items.find((v) => v.id === general.vehicleId)!;
    assert.equal(generalItem.positionAccess, 'live');
    assert.equal(generalItem.lastPosition.latitude, 39.2);
  });

  test('general vehicles stay live for others', async () => {
    const inspector = await h.loginAs('inspector');
    const body = (await get(h, `/api/vehicles/${general.vehicleId}/positions?${range}`, inspector)).json();
    assert.deepEqual(latitudes(body), [39.1, 39.2]);
    assert.equal(body.positionAccess, 'live');
    assert.equal((await viewEntries(h, general.vehicleId)).length, 0);
  });

  test('a live viewer must state a reason', async () => {
    const admin = await h.loginAs('bureau_admin');
    const missing = await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}`, admin);
    assert.equal(missing.statusCode, 400);
    assert.equal(errorCode(missing), 'GONGCHE_ERR_REASON_REQUIRED');
    const short = await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}&reason=ab`, admin);
    assert.equal(short.statusCode, 400);
    assert.equal(short.json().error.details[0].path, 'querystring.reason');
    const blank = await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}&reason=%20%20%20`, admin);
    assert.equal(errorCode(blank), 'GONGCHE_ERR_REASON_REQUIRED');
  });

  test('live viewer with reason sees live, audited', async () => {
    const admin = await h.loginAs('bureau_admin');
    const reason = '核查紧急报警 2024-017';
    const response = await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}&reason=${encodeURIComponent(reason)}`, admin);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(latitudes(response.json()), [39.1, 39.2]);
    assert.equal(response.json().positionAccess, 'live');
    const entries = await viewEntries(h, leader.vehicleId);
    const entry = entries.at(-1)!;
    assert.equal(entry.detail.reason, reason);
    assert.equal(entry.detail.view, 'live');
    assert.equal(entry.detail.count, 2);
    assert.equal(entry.actor_role, 'bureau_admin');
  });

  test('vehicle list is live only with reason', async () => {
    const admin = await h.loginAs('bureau_admin');
    const withoutReason = (await get(h, `/api/vehicles/${leader.vehicleId}`, admin)).json();
    assert.equal(withoutReason.positionAccess, 'delayed');
    assert.equal(withoutReason.lastPosition.latitude, 39.1);
    const before = (await viewEntries(h, leader.vehicleId)).length;
    const withReason = (await get(h, `/api/vehicles?reason=${encodeURIComponent('领导出行保障调度')}`, admin)).json();
    const item = withReason.items.find((v: { id: number }) => v.id === leader.vehicleId);
    assert.equal(item.positionAccess, 'live');
    assert.equal(item.lastPosition.latitude, 39.2);
    const entries = await viewEntries(h, leader.vehicleId);
    assert.equal(entries.length, before + 1);
    assert.equal(entries.at(-1)!.detail.reason, '领导出行保障调度');
  });

  test('a reason does not make a non-viewer live', async () => {
    const inspector = await h.loginAs('inspector');
    const body = (await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}&reason=${encodeURIComponent('纪检监察核查')}`, inspector)).json();
    assert.equal(body.positionAccess, 'delayed');
    assert.deepEqual(latitudes(body), [39.1]);
    assert.equal((await viewEntries(h, leader.vehicleId)).at(-1)!.detail.reason, '纪检监察核查');
  });
});

describe('leadership vehicles with other settings', () => {
  test('othersDelayS null withholds every position from others', async () => {
    const { h, leader } = await fleet({ leadershipVehicles: { othersDelayS: null } });
    try {
      const inspector = await h.loginAs('inspector');
      const body = (await get(h, `/api/vehicles/${leader.vehicleId}/positions?${range}`, inspector)).json();
      assert.deepEqual(body.items, []);
      assert.equal(body.positionAccess, 'none');
      const vehicle = (await get(h, `/api/vehicles/${leader.vehicleId}`, inspector)).json();
      assert.equal(vehicle.lastPosition, null);
      assert.equal(vehicle.positionAccess, 'none');
    } finally {
      await h.close();
    }
  });

  test('a rule by role and unit makes that unit\'s operators live viewers', async () => {
    // The harness keeps this array, so the rule can name the unit once the fleet exists.
    const liveViewers: LeadershipViewerRule[] = [{ role: 'bureau_admin' }];
    const { h, leader } = await fleet({ leadershipVehicles: { liveViewers } });
    liveViewers.push({ role: 'unit_operator', unitId: leader.unitId });
    try {
      const url = `/api/vehicles/${leader.vehicleId}/positions?${range}&reason=${encodeURIComponent('本单位用车核实')}`;
      const operator = await h.loginAs('unit_operator', { unitId: leader.unitId });
      const body = (await get(h, url, operator)).json();
      assert.equal(body.positionAccess, 'live');
      assert.deepEqual(latitudes(body), [39.1, 39.2]);
      const supervisor = await h.loginAs('unit_supervisor', { unitId: leader.unitId });
      assert.equal((await get(h, url, supervisor)).json().positionAccess, 'delayed');
    } finally {
      await h.close();
    }
  });
});
