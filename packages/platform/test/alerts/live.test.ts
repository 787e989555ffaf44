import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { bearer } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { alertDraft, insertAlert, openLive, startAlertHarness, type AlertHarness, type LiveClient } from './harness.ts';
import { liveCloseCodes } from '../../src/api/live-sockets.ts';

let h: AlertHarness;
let own: Awaited<ReturnType<typeof insertFleetVehicle>>;
let other: Awaited<ReturnType<typeof insertFleetVehicle>>;
let child: Awaited<ReturnType<typeof insertFleetVehicle>>;
const clients: LiveClient[] = [];

async function live(token: string, headers: Record<string, string> = {}) {
  const client = await openLive(h.baseUrl, { ...bearer(token), ...headers });
  clients.push(client);
  await client.waitFor((m) => m.type === 'hello');
  return client;
}

/** Returns the HTTP status the upgrade request gets: 101 when the socket opened. */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  const socket = new WebSocket(`${h.baseUrl.replace('http', 'ws')}/api/ws`, { headers });
  socket.on('error', () => {});
  return new Promise<number>((resolve) => {
    socket.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
  });
}

before(async () => {
  h = await startAlertHarness();
  own = await insertFleetVehicle(h.store.db, '喀什地区推送测试单位甲', '新Q40001', '013940000001');
  other = await insertFleetVehicle(h.store.db, '喀什地区推送测试单位乙', '新Q40002', '013940000002');
  child = await insertFleetVehicle(h.store.db, '喀什地区推送测试单位甲下属', '新Q40003', '013940000003');
  await h.store.db.updateTable('units').set({ supervising_unit_id: own.unitId }).where('id', '=', child.unitId).execute();
});

after(async () => {
  for (const client of clients) await client.close();
  await h.close();
});

test('hello names user and topics', async () => {
  const token = await h.loginAs('unit_operator', { unitId: own.unitId });
  const client = await live(token);
  const hello = client.messages[0]!;
  assert.equal(hello.type, 'hello');
  assert.deepEqual(hello.topics, ['alert.created', 'alert.updated', 'vehicle.position']);
  assert.equal((hello.user as { role: string }).role, 'unit_operator');
  assert.equal((hello.user as { unitId: number }).unitId, own.unitId);
});

test('alert reaches scoped users only', async () => {
  const operator = await live(await h.loginAs('unit_operator', { unitId: own.unitId }));
  const supervisor = await live(await h.loginAs('unit_supervisor', { unitId: own.unitId }));
  const outsider = await live(await h.loginAs('unit_operator', { unitId: other.unitId }));
  const bureau = await live(await h.loginAs('bureau_admin'));
  const installer = await live(await h.loginAs('installer'));

  const alertId = await insertAlert(h.store, alertDraft(own));
  await h.hub.publish(alertId);
  // A second alert for the other unit marks the moment after which nothing more can arrive for the first.
  const marker = await insertAlert(h.store, alertDraft(other));
  await h.hub.publish(marker);

  const created = (m: { type: string; alert?: unknown }, id: number) => m.type === 'alert.created' && (m.alert as { id: number }).id === id;
  const received = await operator.waitFor((m) => created(m, alertId));
  const alert = received.alert as { id: number; plate: string; unitId: number; rule: string; ruleName: { zh: string }; state: string };
  assert.equal(alert.plate, '新Q40001');
  assert.equal(alert.unitId, own.unitId);
  assert.equal(alert.state, 'pending');
  assert.equal(alert.ruleName.zh, '违规停放于娱乐场所、宾馆、饭店、景区等非公务场所');
  await supervisor.waitFor((m) => created(m, alertId));
  await bureau.waitFor((m) => created(m, alertId));
  await bureau.waitFor((m) => created(m, marker));
  await outsider.waitFor((m) => created(m, marker));

  assert.equal(outsider.messages.some((m) => created(m, alertId)), false, 'an operator of another unit gets no alert of this unit');
  assert.equal(operator.messages.some((m) => created(m, marker)), false, 'the operator gets no alert of another unit');
  assert.equal(installer.messages.filter((m) => m.type.startsWith('alert.')).length, 0, 'a role without alerts.read gets no alerts');
});

test('supervisor receives subordinate unit alerts', async () => {
  const supervisor = await live(await h.loginAs('unit_supervisor', { unitId: own.unitId }));
  const childOperator = await live(await h.loginAs('unit_operator', { unitId: child.unitId }));
  const alertId = await insertAlert(h.store, alertDraft(child));
  await h.hub.publish(alertId);
  await supervisor.waitFor((m) => m.type === 'alert.created' && (m.alert as { id: number }).id === alertId);
  await childOperator.waitFor((m) => m.type === 'alert.created' && (m.alert as { id: number }).id === alertId);
});

test('unit change applies to next push', async () => {
  const username = 'moved.operator';
  const client = await live(await h.loginAs('unit_operator', { unitId: own.unitId, username }));
  await h.store.db.updateTable('users').set({ unit_id: other.unitId }).where('username', '=', username).execute();
  const ownAlert = await insertAlert(h.store, alertDraft(own));
  const otherAlert = await insertAlert(h.store, alertDraft(other));
  await h.hub.publish(ownAlert);
  await h.hub.publish(otherAlert);
  await client.waitFor((m) => m.type === 'alert.created' && (m.alert as { id: number }).id === otherAlert);
  assert.equal(client.messages.some((m) => m.type === 'alert.created' && (m.alert as { id: number }).id === ownAlert), false);
});

test('logged-out session is closed on push', async () => {
  const token = await h.loginAs('bureau_admin');
  const client = await live(token);
  const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
  const logout = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) });
  assert.equal(logout.statusCode, 204, logout.body);
  await h.hub.publish(await insertAlert(h.store, alertDraft(own)));
  assert.equal(await closed, liveCloseCodes.sessionEnded);
  assert.equal(client.messages.filter((m) => m.type === 'alert.created').length, 0);
});

test('upgrade without session gets 401', async () => {
  assert.equal(await upgradeStatus({}), 401);
});

test('cookie from another origin gets 403', async () => {
  const token = await h.loginAs('bureau_admin');
  assert.equal(await upgradeStatus({ cookie: `gongche_session=${token}`, origin: 'https://evil.example' }), 403);

  const sameOrigin = await live(token, { cookie: `gongche_session=${token}`, origin: h.baseUrl });
  assert.equal(sameOrigin.messages[0]!.type, 'hello');
});

test('ping gets pong, junk gets error', async () => {
  const client = await live(await h.loginAs('inspector'));
  client.socket.send(JSON.stringify({ type: 'ping' }));
  await client.waitFor((m) => m.type === 'pong');
  client.socket.send('not json');
  const error = await client.waitFor((m) => m.type === 'error');
  assert.equal(error.code, 'GONGCHE_ERR_LIVE_MESSAGE');
});
