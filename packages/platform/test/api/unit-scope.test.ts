import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';
import { unitSubtree } from '../../src/api/access.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';

let h: Harness;
let online = new Set<number>();
const gateway: GatewayControl = { isOnline: (id) => online.has(id), confirmAlarm: async () => {} };

// 地区教育局 supervises 地区第一中学, which supervises 地区第一中学分校; 地区卫健委 is a sibling root.
let root: Awaited<ReturnType<typeof insertFleetVehicle>>;
let child: Awaited<ReturnType<typeof insertFleetVehicle>>;
let grandchild: Awaited<ReturnType<typeof insertFleetVehicle>>;
let sibling: Awaited<ReturnType<typeof insertFleetVehicle>>;

async function supervise(unitId: number, supervisingUnitId: number) {
  await h.store.db.updateTable('units').set({ supervising_unit_id: supervisingUnitId }).where('id', '=', unitId).execute();
}

before(async () => {
  h = await startHarness(gateway);
  root = await insertFleetVehicle(h.store.db, '喀什地区教育局', '新Q40001', '013940000001');
  child = await insertFleetVehicle(h.store.db, '喀什地区第一中学', '新Q40002', '013940000002');
  grandchild = await insertFleetVehicle(h.store.db, '喀什地区第一中学分校', '新Q40003', '013940000003');
  sibling = await insertFleetVehicle(h.store.db, '喀什地区卫生健康委员会', '新Q40004', '013940000004');
  await supervise(child.unitId, root.unitId);
  await supervise(grandchild.unitId, child.unitId);
  for (const ids of [root, child, grandchild, sibling]) await insertPositions(h.store, ids, [{ deviceTime: Date.now() - 60_000 }]);
});
after(async () => h.close());

const get = (url: string, token: string) => h.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('supervisor hierarchy', () => {
  test('supervisor of the root sees grandchild but not sibling', async () => {
    const token = await h.loginAs('unit_supervisor', { unitId: root.unitId });
    const ids = (await get('/api/vehicles', token)).json().items.map((v: { id: number }) => v.id);
    assert.deepEqual(ids, [root.vehicleId, child.vehicleId, grandchild.vehicleId]);
    assert.equal((await get(`/api/vehicles/${grandchild.vehicleId}`, token)).statusCode, 200);
    assert.equal((await get(`/api/vehicles/${sibling.vehicleId}`, token)).statusCode, 404);
    assert.equal((await get(`/api/units/${grandchild.unitId}`, token)).statusCode, 200);
    assert.equal((await get(`/api/units/${sibling.unitId}`, token)).statusCode, 404);
  });

  test('supervisor of the middle unit sees neither its supervisor nor the sibling', async () => {
    const token = await h.loginAs('unit_supervisor', { unitId: child.unitId });
    const unitIds = (await get('/api/units', token)).json().items.map((u: { id: number }) => u.id);
    assert.deepEqual(unitIds, [child.unitId, grandchild.unitId]);
    assert.equal((await get(`/api/vehicles/${root.vehicleId}`, token)).statusCode, 404);
  });

  test('subtree stops at a supervision cycle', async () => {
    await supervise(root.unitId, grandchild.unitId);
    try {
      assert.deepEqual(await unitSubtree(h.store.db, child.unitId), [root.unitId, child.unitId, grandchild.unitId]);
    } finally {
      await h.store.db.updateTable('units').set({ supervising_unit_id: null }).where('id', '=', root.unitId).execute();
    }
  });
});

describe('installer', () => {
  test('sees terminal online state but no positions', async () => {
    online = new Set([sibling.terminalId]);
    const token = await h.loginAs('installer');
    const terminal = await get(`/api/terminals/${sibling.terminalId}`, token);
    assert.equal(terminal.statusCode, 200);
    assert.equal(terminal.json().online, true);

    const vehicle = (await get(`/api/vehicles/${sibling.vehicleId}`, token)).json();
    assert.equal(vehicle.terminal.online, true);
    assert.equal(vehicle.lastPosition, null);
    assert.equal(vehicle.positionAccess, 'none');
    assert.equal((await get(`/api/vehicles/${sibling.vehicleId}/positions?from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z`, token)).statusCode, 403);
  });

  test('sees unit names only', async () => {
    await h.store.db.updateTable('units').set({ address: '喀什市解放南路', organisation_code: '11653100MB1234567X' }).where('id', '=', root.unitId).execute();
    const token = await h.loginAs('installer');
    const unit = (await get(`/api/units/${root.unitId}`, token)).json();
    assert.equal(unit.name, '喀什地区教育局');
    assert.equal(unit.address, null);
    assert.equal(unit.organisationCode, null);
    const admin = await h.loginAs('bureau_admin');
    assert.equal((await get(`/api/units/${root.unitId}`, admin)).json().address, '喀什市解放南路');
  });
});

describe('secrecy reviewer', () => {
  test('sees vehicles without terminal state or positions', async () => {
    const token = await h.loginAs('secrecy_reviewer');
    const vehicle = (await get(`/api/vehicles/${root.vehicleId}`, token)).json();
    assert.equal(vehicle.plate, '新Q40001');
    assert.equal(vehicle.terminal, null);
    assert.equal(vehicle.lastPosition, null);
  });
});
