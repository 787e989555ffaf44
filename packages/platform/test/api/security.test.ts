import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bearer, enrolTotp, errorCode, startHarness, testPassword, type Harness } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';
import { createUser, roles } from '../../src/security/users.ts';
import { base32Decode, totp } from '../../src/security/totp.ts';
import { blobKeyId } from '../../src/crypto/envelope.ts';
import { rewrapDataKeys } from '../../src/crypto/keyring.ts';
import { parseMasterKey } from '../../src/crypto/master-key.ts';
import { requireKeyring } from '../../src/crypto/setup.ts';

interface DataKeyBody {
  id: number;
  algorithm: string;
  createdAt: string;
  state: 'active' | 'retired';
  retiredAt: string | null;
  rotationDueAt: string | null;
  masterFingerprint: string;
  masterKeyOpens: boolean;
}

interface OverviewUser {
  id: number;
  username: string;
  role: string;
  totpEnabled: boolean;
  totpRequired: boolean;
  lastLoginAt: string | null;
}

const endpoints = [
  { method: 'GET', url: '/api/security/keys' },
  { method: 'POST', url: '/api/security/keys/rotate' },
  { method: 'GET', url: '/api/security/overview' },
] as const;

const dayMs = 86_400_000;

describe('security administration API', () => {
  let h: Harness;
  let security: string;
  before(async () => {
    // Settings that differ from the defaults show that the overview reads the configuration in force.
    h = await startHarness(undefined, { auth: { passwordMaxAgeDays: 60, maxFailedLogins: 7, sessionIdleTimeoutS: 900 } });
    security = await h.loginAs('security_admin', { username: 'sec.admin' });
  });
  after(async () => h.close());

  const call = (method: 'GET' | 'POST', url: string, token = security) => h.app.inject({ method, url, headers: bearer(token) });

  test('other roles get 403 on every endpoint', async () => {
    for (const role of roles.filter((role) => role !== 'security_admin')) {
      const token = await h.loginAs(role);
      for (const { method, url } of endpoints) {
        const response = await call(method, url, token);
        assert.equal(response.statusCode, 403, `${role} ${method} ${url}`);
        assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN', `${role} ${method} ${url}`);
        assert.match(response.json().error.message, /security\.manage/, `${role} ${method} ${url}`);
      }
    }
    const keys = h.store.sqlite.prepare('SELECT count(*) AS n FROM data_keys').get() as { n: number };
    assert.equal(keys.n, 1, 'a refused rotation must not create a key');
  });

  test('requests without a session get 401', async () => {
    for (const { method, url } of endpoints) {
      const response = await h.app.inject({ method, url });
      assert.equal(response.statusCode, 401, `${method} ${url}`);
    }
  });

  test('key list shows states and due dates, never material', async () => {
    const response = await call('GET', '/api/security/keys');
    assert.equal(response.statusCode, 200);
    const body = response.json() as { algorithm: string; dataKeyPeriodDays: number; masterKey: { fingerprint: string; source: string; besideDatabase: boolean }; items: DataKeyBody[] };
    const keyring = requireKeyring(h.store);
    assert.equal(body.algorithm, 'sm4-ctr-hmac-sm3');
    assert.equal(body.dataKeyPeriodDays, 30);
    assert.equal(body.masterKey.fingerprint, keyring.master.fingerprint);
    assert.equal(body.masterKey.besideDatabase, false);
    assert.equal(body.items.length, 1);
    const [key] = body.items;
    assert.equal(key!.state, 'active');
    assert.equal(key!.retiredAt, null);
    assert.equal(key!.masterKeyOpens, true);
    assert.equal(Date.parse(key!.rotationDueAt!) - Date.parse(key!.createdAt), 30 * dayMs);

    const active = keyring.activeKey();
    const row = h.store.sqlite.prepare('SELECT wrapped FROM data_keys WHERE id = ?').get(active.id) as { wrapped: Buffer };
    for (const secret of [active.encKey, active.macKey, row.wrapped]) {
      assert.equal(response.body.includes(secret.toString('hex')), false);
      assert.equal(response.body.includes(secret.toString('base64')), false);
    }
    assert.doesNotMatch(response.body, /wrapped|encKey|macKey/);
  });

  test('rotation activates new key, keeps old data', async () => {
    const bureau = await h.loginAs('bureau_admin');
    const fleet = await insertFleetVehicle(h.store.db, '喀什地区密钥轮换测试单位', '新Q70001', '013970000001');
    const deviceTime = Date.parse('2024-06-01T08:00:00Z');
    await insertPositions(h.store, fleet, [{ deviceTime, latitude: 39.4711, longitude: 75.9902 }]);
    const frame = await h.store.db.selectFrom('raw_frames').select('sealed').where('terminal_id', '=', fleet.terminalId).executeTakeFirstOrThrow();
    const oldKeyId = blobKeyId(frame.sealed);

    // A user who enrolled TOTP before the rotation: the secret is sealed under the old key.
    await createUser(h.store.db, { username: 'rotation.sysadmin', role: 'sys_admin', password: testPassword, mustChangePassword: false });
    const firstLogin = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'rotation.sysadmin', password: testPassword } });
    const secret = await enrolTotp(h.app, firstLogin.json().token);

    const response = await call('POST', '/api/security/keys/rotate');
    assert.equal(response.statusCode, 201);
    const { key, previousKeyId } = response.json() as { key: DataKeyBody; previousKeyId: number };
    assert.equal(previousKeyId, oldKeyId);
    assert.ok(key.id > oldKeyId, `new key ${key.id} after ${oldKeyId}`);
    assert.equal(key.state, 'active');
    assert.equal(key.masterKeyOpens, true);

    const items = (await call('GET', '/api/security/keys')).json().items as DataKeyBody[];
    assert.deepEqual(items.filter((item) => item.state === 'active').map((item) => item.id), [key.id]);
    const old = items.find((item) => item.id === oldKeyId)!;
    assert.equal(old.state, 'retired');
    assert.notEqual(old.retiredAt, null);
    assert.equal(old.rotationDueAt, null);
    assert.equal(old.masterKeyOpens, true);

    // New data is sealed under the new key.
    assert.equal(blobKeyId(requireKeyring(h.store).sealer().seal(Buffer.from('new'), 'aad')), key.id);

    // The position sealed under the retired key still opens through the API.
    const positions = await h.app.inject({
      method: 'GET',
      url: `/api/vehicles/${fleet.vehicleId}/positions?from=2024-06-01T00:00:00Z&to=2024-06-02T00:00:00Z`,
      headers: bearer(bureau),
    });
    assert.equal(positions.statusCode, 200);
    assert.deepEqual(positions.json().items.map((p: { latitude: number }) => p.latitude), [39.4711]);

    // So does the TOTP secret enrolled before the rotation.
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'rotation.sysadmin', password: testPassword, totpCode: totp(base32Decode(secret), Date.now() + 30_000) },
    });
    assert.equal(login.statusCode, 200);
  });

  test('rotation is recorded in the audit log', async () => {
    const before = await h.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'keys.rotated').execute();
    const response = await call('POST', '/api/security/keys/rotate');
    assert.equal(response.statusCode, 201);
    const { key, previousKeyId } = response.json() as { key: DataKeyBody; previousKeyId: number };
    const entries = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'keys.rotated').orderBy('seq').execute();
    assert.equal(entries.length, before.length + 1);
    const entry = entries.at(-1)!;
    assert.equal(entry.actor_username, 'sec.admin');
    assert.equal(entry.actor_role, 'security_admin');
    assert.equal(entry.object_type, 'data_key');
    assert.equal(entry.object_id, String(key.id));
    assert.deepEqual(JSON.parse(entry.detail), { algorithm: 'sm4-ctr-hmac-sm3', previousKeyId });
  });

  test('overview shows the configured settings', async () => {
    const response = await call('GET', '/api/security/overview');
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(body.passwordPolicy, { minLength: 10, minCharacterClasses: 3, mayEqualUsername: false, maxAgeDays: 60 });
    assert.deepEqual(body.sessions, { idleTimeoutS: 900, maxLifetimeS: 12 * 3600 });
    assert.deepEqual(body.lockout, { maxFailedLogins: 7, lockoutS: 900 });
    assert.deepEqual(body.loginRateLimit, { max: 100_000, windowS: 60 });
    assert.deepEqual(body.secondFactor, { requiredRoles: ['sys_admin', 'security_admin', 'auditor'], digits: 6, stepS: 30, windowSteps: 1 });
    assert.deepEqual(body.encryption, { algorithm: 'sm4-ctr-hmac-sm3', dataKeyPeriodDays: 30 });
  });

  test('overview lists second factors and last log-ins', async () => {
    await createUser(h.store.db, { username: 'never.logged', role: 'auditor', password: testPassword, mustChangePassword: false });
    const users = (await call('GET', '/api/security/overview')).json().users as OverviewUser[];
    const byName = new Map(users.map((user) => [user.username, user]));

    const self = byName.get('sec.admin')!;
    assert.equal(self.role, 'security_admin');
    assert.equal(self.totpEnabled, true);
    assert.equal(self.totpRequired, true);
    assert.notEqual(self.lastLoginAt, null);
    assert.ok(Date.now() - Date.parse(self.lastLoginAt!) < 60_000, `last log-in ${self.lastLoginAt}`);

    const never = byName.get('never.logged')!;
    assert.equal(never.totpEnabled, false);
    assert.equal(never.totpRequired, true);
    assert.equal(never.lastLoginAt, null);

    const bureau = users.find((user) => user.role === 'bureau_admin')!;
    assert.equal(bureau.totpRequired, false);
    assert.equal(bureau.totpEnabled, false);
    const fields = ['disabled', 'displayName', 'id', 'lastLoginAt', 'lockedUntil', 'role', 'totpEnabled', 'totpRequired', 'username'];
    for (const user of users) assert.deepEqual(Object.keys(user).sort(), fields, user.username);
  });

  test('second factor reset shows in the overview', async () => {
    const target = (await call('GET', '/api/security/overview')).json().users.find((user: OverviewUser) => user.username === 'rotation.sysadmin') as OverviewUser;
    assert.equal(target.totpEnabled, true);
    const reset = await call('POST', `/api/users/${target.id}/reset-totp`);
    assert.equal(reset.statusCode, 200);
    const after = (await call('GET', '/api/security/overview')).json().users.find((user: OverviewUser) => user.id === target.id) as OverviewUser;
    assert.equal(after.totpEnabled, false);
    const entry = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'user.totp_reset').where('object_id', '=', String(target.id)).executeTakeFirst();
    assert.equal(entry?.actor_username, 'sec.admin');
  });
});

describe('security key list under another master key', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  test('reports keys the master key does not open', async () => {
    const security = await h.loginAs('security_admin');
    // Another process re-wraps the data keys under a new master key, while this platform still runs with the old one.
    const keyring = requireKeyring(h.store);
    rewrapDataKeys(h.store, keyring.master, parseMasterKey(randomBytes(32).toString('hex'), 'test-next'));
    const response = await h.app.inject({ method: 'GET', url: '/api/security/keys', headers: bearer(security) });
    assert.equal(response.statusCode, 200);
    const items = response.json().items as DataKeyBody[];
    assert.equal(items.length, 1);
    assert.equal(items[0]!.masterKeyOpens, false);
    assert.notEqual(items[0]!.masterFingerprint, keyring.master.fingerprint);
  });
});
