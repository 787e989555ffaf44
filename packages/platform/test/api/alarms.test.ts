import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle } from './fixtures.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';

/** Gateway double that records confirmations and fails for terminals marked offline. */
class RecordingGateway implements GatewayControl {
  confirmations: { terminalId: number; alarmSerial: number; alarmType: number }[] = [];
  offline = new Set<number>();
  isOnline(terminalId: number) {
    return !this.offline.has(terminalId);
  }
  async confirmAlarm(terminalId: number, alarmSerial: number, alarmType: number) {
    if (this.offline.has(terminalId)) {
      throw Object.assign(new Error(`Terminal ${terminalId} is offline`), { code: 'GONGCHE_ERR_TERMINAL_OFFLINE' });
    }
    this.confirmations.push({ terminalId, alarmSerial, alarmType });
  }
}

let h: Harness;
let admin: string;
const gateway = new RecordingGateway();

before(async () => {
  h = await startHarness(gateway);
  admin = await h.loginAs('bureau_admin');
});
after(async () => h.close());

async function openAlarm(plate: string, phone: string, serial: number) {
  const ids = await insertFleetVehicle(h.store.db, '喀什地区报警测试单位', plate, phone);
  const now = Date.now();
  const alarm = await h.store.db
    .insertInto('emergency_alarms')
    .values({ terminal_id: ids.terminalId, vehicle_id: ids.vehicleId, alarm_serial: serial, started_at: now, last_report_at: now, state: 'open' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...ids, alarmId: alarm.id };
}

const acknowledge = (id: number, token = admin) =>
  h.app.inject({ method: 'POST', url: `/api/alarms/emergency/${id}/acknowledge`, headers: bearer(token) });

describe('emergency alarms', () => {
  test('acknowledging sends the 0x8203 confirmation and records it', async () => {
    const { alarmId, terminalId } = await openAlarm('新Q11001', '013911110001', 4242);
    const response = await acknowledge(alarmId);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.confirmationSent, true);
    assert.equal(body.alarm.state, 'acknowledged');
    assert.equal(body.alarm.plate, '新Q11001');
    assert.notEqual(body.alarm.acknowledgedAt, null);
    assert.notEqual(body.alarm.confirmationSentAt, null);
    assert.deepEqual(gateway.confirmations.at(-1), { terminalId, alarmSerial: 4242, alarmType: 1 });

    const me = (await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(admin) })).json();
    assert.equal(body.alarm.acknowledgedBy, me.id);
  });

  test('acknowledging twice returns 409', async () => {
    const { alarmId } = await openAlarm('新Q11002', '013911110002', 7);
    assert.equal((await acknowledge(alarmId)).statusCode, 200);
    const again = await acknowledge(alarmId);
    assert.equal(again.statusCode, 409);
    assert.equal(errorCode(again), 'GONGCHE_ERR_CONFLICT');
  });

  test('offline terminal: acknowledgement recorded, 202 with the reason', async () => {
    const { alarmId, terminalId } = await openAlarm('新Q11003', '013911110003', 9);
    gateway.offline.add(terminalId);
    const sent = gateway.confirmations.length;
    const response = await acknowledge(alarmId);
    assert.equal(response.statusCode, 202);
    const body = response.json();
    assert.equal(body.confirmationSent, false);
    assert.match(body.reason, /offline/);
    assert.equal(body.alarm.state, 'acknowledged');
    assert.equal(body.alarm.confirmationSentAt, null);
    assert.equal(gateway.confirmations.length, sent);
    const row = await h.store.db.selectFrom('emergency_alarms').selectAll().where('id', '=', alarmId).executeTakeFirstOrThrow();
    assert.equal(row.state, 'acknowledged');
    assert.notEqual(row.acknowledged_at, null);
  });

  test('lists alarms by state with the plate', async () => {
    const { alarmId } = await openAlarm('新Q11004', '013911110004', 11);
    const open = await h.app.inject({ method: 'GET', url: '/api/alarms/emergency?state=open', headers: bearer(admin) });
    assert.equal(open.statusCode, 200);
    const items = open.json().items;
    assert.ok(items.every((a: { state: string }) => a.state === 'open'));
    assert.equal(items.find((a: { id: number }) => a.id === alarmId)?.plate, '新Q11004');
    const acknowledged = await h.app.inject({ method: 'GET', url: '/api/alarms/emergency?state=acknowledged', headers: bearer(admin) });
    assert.ok(acknowledged.json().items.length >= 3);
    const bad = await h.app.inject({ method: 'GET', url: '/api/alarms/emergency?state=closed', headers: bearer(admin) });
    assert.equal(bad.statusCode, 400);
  });

  test('unknown alarm returns 404', async () => {
    assert.equal((await acknowledge(99999)).statusCode, 404);
  });

  test('sys_admin may not acknowledge; unit_operator only its own unit', async () => {
    const { alarmId } = await openAlarm('新Q11005', '013911110005', 12);
    const elsewhere = await insertFleetVehicle(h.store.db, '喀什地区另一单位', '新Q11006', '013911110006');
    const sysAdmin = await h.loginAs('sys_admin');
    assert.equal((await acknowledge(alarmId, sysAdmin)).statusCode, 403);
    const stranger = await h.loginAs('unit_operator', { unitId: elsewhere.unitId });
    assert.equal((await acknowledge(alarmId, stranger)).statusCode, 404);
    const state = await h.store.db.selectFrom('emergency_alarms').select('state').where('id', '=', alarmId).executeTakeFirstOrThrow();
    assert.equal(state.state, 'open');
  });
});
