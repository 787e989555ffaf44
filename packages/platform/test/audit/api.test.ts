import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, testPassword, type Harness } from '../api/harness.ts';
import { insertFleetVehicle, insertPositions } from '../api/fixtures.ts';
import { createUser } from '../../src/security/users.ts';
import type { GatewayControl } from '../../src/gateway/control.ts';
import { tamper } from './store-helpers.ts';

const gateway: GatewayControl = { isOnline: () => true, confirmAlarm: async () => undefined };

let h: Harness;
let auditor: string;
let admin: string;

before(async () => {
  h = await startHarness(gateway);
  auditor = await h.loginAs('auditor', { username: 'shenji.auditor' });
  admin = await h.loginAs('bureau_admin', { username: 'guanliju.admin' });
});
after(async () => h.close());

interface Entry { seq: number; action: string; actorUsername: string; actorAddress: string | null; objectType: string | null; objectId: string | null; detail: Record<string, unknown> }

/** Reads audit entries matching a query string through the API, as the auditor. */
async function entries(query: string): Promise<Entry[]> {
  const response = await h.app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: bearer(auditor) });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items;
}

const login = (username: string, password: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('audit API access (三员分立)', () => {
  for (const role of ['sys_admin', 'security_admin', 'bureau_admin', 'inspector', 'unit_operator'] as const) {
    test(`refuses the audit log and its verification to ${role}`, async () => {
      const token = await h.loginAs(role);
      for (const url of ['/api/audit', '/api/audit/verify']) {
        const response = await h.app.inject({ method: 'GET', url, headers: bearer(token) });
        assert.equal(response.statusCode, 403, `${role} ${url}`);
        assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
      }
    });
  }

  test('refuses the audit log without log-in', async () => {
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/audit' })).statusCode, 401);
  });

  test('the auditor lists entries newest first, pages with nextBefore and filters by actor', async () => {
    const first = await h.app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: bearer(auditor) });
    const page = first.json();
    assert.equal(page.items.length, 2);
    assert.ok(page.items[0].seq > page.items[1].seq);
    const next = await entries(`limit=2&before=${page.nextBefore}`);
    assert.ok(next[0]!.seq < page.items[1].seq);
    const own = await entries('actorUsername=shenji.auditor&action=auth.login');
    assert.ok(own.length >= 1);
    assert.ok(own.every((e) => e.actorUsername === 'shenji.auditor'));
  });

  test('rejects a time filter whose end is not after its start', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/audit?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z', headers: bearer(auditor) });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('verify reports an intact chain and records that it was run', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: bearer(auditor) });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().ok, true);
    assert.equal(response.json().triggersPresent, true);
    assert.equal((await entries('action=audit.verified&limit=1'))[0]!.actorUsername, 'shenji.auditor');
  });
});

describe('audited actions', () => {
  test('a log-in records the user and the request address', async () => {
    const [entry] = await entries('action=auth.login&actorUsername=guanliju.admin');
    assert.equal(entry!.actorAddress, '127.0.0.1');
    assert.equal(entry!.objectType, 'user');
  });

  test('failed log-ins and the lockout they cause are recorded, without the password', async () => {
    await createUser(h.store.db, { username: 'locked.user', role: 'unit_operator', password: testPassword, mustChangePassword: false });
    for (let i = 0; i < 5; i++) await login('locked.user', 'Wrong-Password-1');
    const failed = await entries('action=auth.login_failed&actorUsername=locked.user');
    assert.equal(failed.length, 5);
    assert.deepEqual(failed.map((e) => e.detail.code).sort(), ['GONGCHE_ERR_ACCOUNT_LOCKED', ...Array(4).fill('GONGCHE_ERR_LOGIN_FAILED')]);
    const locked = await entries('action=auth.account_locked&actorUsername=locked.user');
    assert.equal(locked.length, 1);
    await login('locked.user', testPassword); // refused while locked: a failure, but no second lockout
    assert.equal((await entries('action=auth.account_locked&actorUsername=locked.user')).length, 1);
    assert.equal((await entries('action=auth.login_failed&actorUsername=locked.user')).length, 6);
    const all = JSON.stringify(await entries('actorUsername=locked.user&limit=50'));
    assert.ok(!all.includes('Wrong-Password-1'), 'wrong password recorded');
    assert.ok(!all.includes(testPassword), 'password recorded');
  });

  test('a failed log-in of an unknown user name is recorded', async () => {
    await login('nobody.here', 'Whatever-123');
    const [entry] = await entries('action=auth.login_failed&actorUsername=nobody.here');
    assert.equal(entry!.detail.knownUser, false);
  });

  test('a read of positions records who, which vehicle, the span, the format and the count', async () => {
    const ids = await insertFleetVehicle(h.store.db, '喀什地区审计测试单位', '新Q20001', '013922220001');
    await insertPositions(h.store, ids, [{ deviceTime: Date.parse('2024-05-01T02:00:00Z') }, { deviceTime: Date.parse('2024-05-01T03:00:00Z') }]);
    const url = `/api/vehicles/${ids.vehicleId}/positions?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&format=geojson`;
    assert.equal((await h.app.inject({ method: 'GET', url, headers: bearer(admin) })).statusCode, 200);
    const [entry] = await entries(`action=positions.read&objectType=vehicle&objectId=${ids.vehicleId}`);
    assert.equal(entry!.actorUsername, 'guanliju.admin');
    assert.deepEqual(
      { vehicleId: entry!.detail.vehicleId, from: entry!.detail.from, to: entry!.detail.to, format: entry!.detail.format, count: entry!.detail.count },
      { vehicleId: ids.vehicleId, from: '2024-05-01T00:00:00.000Z', to: '2024-05-02T00:00:00.000Z', format: 'geojson', count: 2 },
    );
  });

  test('creating and changing a unit are recorded with the changed fields', async () => {
    const created = await h.app.inject({ method: 'POST', url: '/api/units', headers: bearer(admin), payload: { name: '喀什地区审计新单位' } });
    assert.equal(created.statusCode, 201, created.body);
    const id = created.json().id;
    await h.app.inject({ method: 'PATCH', url: `/api/units/${id}`, headers: bearer(admin), payload: { address: '喀什市人民东路' } });
    assert.equal((await entries(`action=unit.created&objectId=${id}`)).length, 1);
    assert.deepEqual((await entries(`action=unit.updated&objectId=${id}`))[0]!.detail.fields, ['address']);
  });

  test('acknowledging an emergency alarm is recorded', async () => {
    const ids = await insertFleetVehicle(h.store.db, '喀什地区审计测试单位', '新Q20002', '013922220002');
    const now = Date.now();
    const alarm = await h.store.db
      .insertInto('emergency_alarms')
      .values({ terminal_id: ids.terminalId, vehicle_id: ids.vehicleId, alarm_serial: 7, started_at: now, last_report_at: now, state: 'open' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await h.app.inject({ method: 'POST', url: `/api/alarms/emergency/${alarm.id}/acknowledge`, headers: bearer(admin) });
    assert.equal(response.statusCode, 200, response.body);
    const [entry] = await entries(`action=alarm.acknowledged&objectId=${alarm.id}`);
    assert.equal(entry!.actorUsername, 'guanliju.admin');
    assert.equal(entry!.detail.vehicleId, ids.vehicleId);
  });

  test('verify names the first bad entry after the file was tampered with', async () => {
    tamper(h.store, (db) => db.prepare("UPDATE audit_log SET actor_username = 'forged' WHERE seq = 2").run());
    const response = await h.app.inject({ method: 'GET', url: '/api/audit/verify', headers: bearer(auditor) });
    const body = response.json();
    assert.equal(body.ok, false);
    assert.deepEqual([body.firstBad.seq, body.firstBad.reason], [2, 'changed']);
    assert.equal(body.triggersPresent, false);
  });
});
