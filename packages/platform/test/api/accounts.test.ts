import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, testPassword, type Harness } from './harness.ts';
import { createUser } from '../../src/security/users.ts';
import { checkLogin } from '../../src/security/login.ts';
import { defaultAuthSettings } from '../../src/config.ts';

let h: Harness;
let sysAdmin: string;
let unitId: number;

before(async () => {
  h = await startHarness();
  sysAdmin = await h.loginAs('sys_admin');
  const now = Date.now();
  unitId = (await h.store.db.insertInto('units').values({ name: '喀什地区账户测试单位', category: 'other', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
});
after(async () => h.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token = sysAdmin, payload?: object) =>
  h.app.inject({ method, url, headers: bearer(token), ...(payload && { payload }) });
const login = (username: string, password: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const myId = async (token: string) => (await call('GET', '/api/auth/me', token)).json().id as number;

async function auditActions(objectId: number): Promise<string[]> {
  const rows = await h.store.db.selectFrom('audit_log').select('action').where('object_type', '=', 'user').where('object_id', '=', String(objectId)).orderBy('seq').execute();
  return rows.map((row) => row.action);
}

describe('users administration', () => {
  test('creates an account with a one-time password', async () => {
    const created = await call('POST', '/api/users', sysAdmin, { username: 'wang.fang', role: 'unit_operator', unitId, displayName: '王芳' });
    assert.equal(created.statusCode, 201);
    const { user, oneTimePassword } = created.json();
    assert.equal(user.role, 'unit_operator');
    assert.equal(user.unitId, unitId);
    assert.equal(user.mustChangePassword, true);
    assert.equal(user.disabled, false);
    const first = await login('wang.fang', oneTimePassword);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().mustChangePassword, true);
    assert.deepEqual(await auditActions(user.id), ['user.created', 'auth.login']);
  });

  test('create rejects bad unit, role or name', async () => {
    const noUnit = await call('POST', '/api/users', sysAdmin, { username: 'no.unit', role: 'unit_supervisor' });
    assert.equal(noUnit.statusCode, 400);
    assert.equal(noUnit.json().error.details[0].path, 'body.unitId');
    assert.equal((await call('POST', '/api/users', sysAdmin, { username: 'bad.unit', role: 'unit_operator', unitId: 99999 })).statusCode, 404);
    const badRole = await call('POST', '/api/users', sysAdmin, { username: 'bad.role', role: 'superuser' });
    assert.equal(badRole.statusCode, 400);
    await call('POST', '/api/users', sysAdmin, { username: 'li.qiang', role: 'inspector' });
    assert.equal((await call('POST', '/api/users', sysAdmin, { username: 'li.qiang', role: 'inspector' })).statusCode, 409);
  });

  test('changing a role ends the user\'s sessions and is audited', async () => {
    await createUser(h.store.db, { username: 'zhao.lei', role: 'inspector', password: testPassword, mustChangePassword: false });
    const token = (await login('zhao.lei', testPassword)).json().token;
    const id = await myId(token);
    const changed = await call('PATCH', `/api/users/${id}`, sysAdmin, { role: 'installer' });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().role, 'installer');
    assert.equal((await call('GET', '/api/auth/me', token)).statusCode, 401);
    assert.equal((await call('GET', '/api/terminals', (await login('zhao.lei', testPassword)).json().token)).statusCode, 200);
    const entry = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'user.updated').where('object_id', '=', String(id)).executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(entry.detail).changes.role, { from: 'inspector', to: 'installer' });
  });

  test('nobody changes their own role or disables themselves', async () => {
    const self = await myId(sysAdmin);
    const ownRole = await call('PATCH', `/api/users/${self}`, sysAdmin, { role: 'auditor' });
    assert.equal(ownRole.statusCode, 403);
    assert.equal(errorCode(ownRole), 'GONGCHE_ERR_FORBIDDEN');
    assert.equal((await call('PATCH', `/api/users/${self}`, sysAdmin, { disabled: true })).statusCode, 403);
    assert.equal((await call('POST', `/api/users/${self}/reset-password`, sysAdmin)).statusCode, 403);
    assert.equal((await call('PATCH', `/api/users/${self}`, sysAdmin, { displayName: '系统管理员' })).statusCode, 200);
  });

  test('empty or invalid changes are rejected', async () => {
    const id = (await call('POST', '/api/users', sysAdmin, { username: 'sun.li', role: 'inspector' })).json().user.id;
    assert.equal((await call('PATCH', `/api/users/${id}`, sysAdmin, {})).statusCode, 400);
    const toUnitRole = await call('PATCH', `/api/users/${id}`, sysAdmin, { role: 'unit_operator' });
    assert.equal(toUnitRole.statusCode, 400);
    assert.equal((await call('PATCH', '/api/users/99999', sysAdmin, { disabled: true })).statusCode, 404);
  });

  test('a disabled account cannot log in and loses its sessions', async () => {
    await createUser(h.store.db, { username: 'chen.jie', role: 'bureau_admin', password: testPassword, mustChangePassword: false });
    const token = (await login('chen.jie', testPassword)).json().token;
    const id = await myId(token);
    assert.equal((await call('PATCH', `/api/users/${id}`, sysAdmin, { disabled: true })).json().disabled, true);
    assert.equal((await call('GET', '/api/units', token)).statusCode, 401);
    const refused = await login('chen.jie', testPassword);
    assert.equal(refused.statusCode, 403);
    assert.equal(errorCode(refused), 'GONGCHE_ERR_ACCOUNT_DISABLED');
    assert.equal(errorCode(await login('chen.jie', 'Wrong-Pass-123')), 'GONGCHE_ERR_LOGIN_FAILED');
    await call('PATCH', `/api/users/${id}`, sysAdmin, { disabled: false });
    assert.equal((await login('chen.jie', testPassword)).statusCode, 200);
  });

  test('password reset returns a one-time password and unlocks', async () => {
    await createUser(h.store.db, { username: 'he.ping', role: 'inspector', password: testPassword, mustChangePassword: false });
    for (let i = 0; i < 5; i++) await login('he.ping', `Wrong-Pass-${i}00`);
    assert.equal((await login('he.ping', testPassword)).statusCode, 423);
    const id = (await h.store.db.selectFrom('users').select('id').where('username', '=', 'he.ping').executeTakeFirstOrThrow()).id;
    const reset = await call('POST', `/api/users/${id}/reset-password`, sysAdmin);
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.json().user.lockedUntil, null);
    const next = await login('he.ping', reset.json().oneTimePassword);
    assert.equal(next.statusCode, 200);
    assert.equal(next.json().mustChangePassword, true);
    assert.ok((await auditActions(id)).includes('user.password_reset'));
  });
});

describe('three separated duties', () => {
  test('no route deletes or changes audit entries', async () => {
    const auditor = await h.loginAs('auditor');
    const before = (await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    for (const token of [sysAdmin, auditor, await h.loginAs('security_admin')]) {
      assert.equal((await call('DELETE', '/api/audit', token)).statusCode, 404);
      assert.equal((await call('DELETE', '/api/audit/1', token)).statusCode, 404);
      assert.equal((await call('PATCH', '/api/audit/1', token, { action: 'x.y' })).statusCode, 404);
    }
    const after = (await h.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    assert.ok(after >= before);
  });

  test('sys_admin reads neither positions nor audit; auditor manages no accounts', async () => {
    const auditor = await h.loginAs('auditor');
    assert.equal((await call('GET', '/api/audit', sysAdmin)).statusCode, 403);
    assert.equal((await call('GET', '/api/alarms/emergency', sysAdmin)).statusCode, 403);
    assert.equal((await call('GET', '/api/users', auditor)).statusCode, 403);
    assert.equal((await call('POST', '/api/users', auditor, { username: 'x.auditor', role: 'auditor' })).statusCode, 403);
    const securityAdmin = await h.loginAs('security_admin');
    assert.equal((await call('GET', '/api/users', securityAdmin)).statusCode, 403);
    assert.equal((await call('GET', '/api/audit', securityAdmin)).statusCode, 403);
  });

  test('a password reset by sys_admin does not open an account with TOTP', async () => {
    const auditorToken = await h.loginAs('auditor', { username: 'audit.chief' });
    const id = await myId(auditorToken);
    const reset = await call('POST', `/api/users/${id}/reset-password`, sysAdmin);
    const attempt = await login('audit.chief', reset.json().oneTimePassword);
    assert.equal(attempt.statusCode, 401);
    assert.equal(errorCode(attempt), 'GONGCHE_ERR_TOTP_REQUIRED');
  });
});

describe('password expiry', () => {
  test('an expired password logs in only to change it', async () => {
    await createUser(h.store.db, { username: 'old.password', role: 'inspector', password: testPassword, mustChangePassword: false });
    await h.store.db.updateTable('users').set({ password_changed_at: Date.now() - 91 * 86_400_000 }).where('username', '=', 'old.password').execute();
    const response = await login('old.password', testPassword);
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().passwordExpired, true);
    assert.equal(response.json().mustChangePassword, true);
    const token = response.json().token;
    const blocked = await call('GET', '/api/units', token);
    assert.equal(errorCode(blocked), 'GONGCHE_ERR_PASSWORD_CHANGE_REQUIRED');
    const changed = await call('POST', '/api/auth/password', token, { currentPassword: testPassword, newPassword: 'Renewed-Pass-91' });
    assert.equal(changed.statusCode, 200);
    assert.equal((await call('GET', '/api/units', token)).statusCode, 200);
    const again = await login('old.password', 'Renewed-Pass-91');
    assert.equal(again.json().passwordExpired, false);
  });

  test('expiry at 89 days and when off', async () => {
    await createUser(h.store.db, { username: 'recent.password', role: 'inspector', password: testPassword, mustChangePassword: false });
    await h.store.db.updateTable('users').set({ password_changed_at: Date.now() - 89 * 86_400_000 }).where('username', '=', 'recent.password').execute();
    assert.equal((await login('recent.password', testPassword)).json().mustChangePassword, false);
    await h.store.db.updateTable('users').set({ password_changed_at: Date.now() - 400 * 86_400_000 }).where('username', '=', 'recent.password').execute();
    const row = await checkLogin(h.store.db, 'recent.password', testPassword, { ...defaultAuthSettings, passwordMaxAgeDays: 0 });
    assert.equal(row.must_change_password, 0);
  });
});

describe('log-in rate limit', () => {
  test('answers 429 after the limit per address and audits it once', async () => {
    const limited = await startHarness(undefined, { auth: { loginRateLimitMax: 3, loginRateLimitWindowS: 60 } });
    try {
      const attempt = () => limited.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'Wrong-Pass-123' } });
      for (let i = 0; i < 3; i++) assert.equal((await attempt()).statusCode, 401);
      const fourth = await attempt();
      assert.equal(fourth.statusCode, 429);
      assert.equal(errorCode(fourth), 'GONGCHE_ERR_RATE_LIMITED');
      const retryAfter = Number(fourth.headers['retry-after']);
      assert.ok(retryAfter >= 1, `Retry-After ${retryAfter}`);
      assert.ok(retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal((await attempt()).statusCode, 429);
      const otherAddress = await limited.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.2', payload: { username: 'nobody', password: 'Wrong-Pass-123' } });
      assert.equal(otherAddress.statusCode, 401);
      const entries = await limited.store.db.selectFrom('audit_log').select('actor_address').where('action', '=', 'auth.login_rate_limited').execute();
      assert.deepEqual(entries.map((e) => e.actor_address), ['127.0.0.1']);
    } finally {
      await limited.close();
    }
  });
});
