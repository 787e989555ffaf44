import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, enrolTotp, errorCode, startHarness, testPassword, type Harness } from './harness.ts';
import { createUser, type Role } from '../../src/security/users.ts';
import { base32Decode, totp } from '../../src/security/totp.ts';
import { openTotpSecret } from '../../src/security/second-factor.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

const login = (username: string, password = testPassword, totpCode?: string) =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...(totpCode !== undefined && { totpCode }) } });

async function addUser(username: string, role: Role) {
  await createUser(h.store.db, { username, role, password: testPassword, mustChangePassword: false });
}

const codeAt = (secret: string, offsetMs: number) => totp(base32Decode(secret), Date.now() + offsetMs);

describe('TOTP enrolment', () => {
  test('administrator roles are limited to enrolment until they enrol', async () => {
    for (const role of ['sys_admin', 'security_admin', 'auditor'] as const) {
      await addUser(`enrol.${role}`, role);
      const first = await login(`enrol.${role}`);
      assert.equal(first.statusCode, 200, role);
      assert.equal(first.json().mustEnrolTotp, true, role);
      const token = first.json().token;
      const blocked = await h.app.inject({ method: 'GET', url: role === 'auditor' ? '/api/audit' : '/api/users', headers: bearer(token) });
      assert.equal(blocked.statusCode, 403, role);
      assert.equal(errorCode(blocked), 'GONGCHE_ERR_TOTP_ENROLMENT_REQUIRED', role);
      assert.equal((await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode, 200, role);
    }
  });

  test('other roles need no second factor', async () => {
    await addUser('no.totp.operator', 'bureau_admin');
    const response = await login('no.totp.operator');
    assert.equal(response.json().mustEnrolTotp, false);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/units', headers: bearer(response.json().token) })).statusCode, 200);
  });

  test('setup returns the secret once and enable needs a matching code', async () => {
    await addUser('enrol.check', 'auditor');
    const token = (await login('enrol.check')).json().token;
    const setup = await h.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
    assert.equal(setup.statusCode, 200);
    const { secret, otpauthUri } = setup.json();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(otpauthUri, new RegExp(`^otpauth://totp/gongche:enrol\\.check\\?secret=${secret}&`));

    const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/totp/enable', headers: bearer(token), payload: { code: codeAt(secret, 300_000) } });
    assert.equal(wrong.statusCode, 400);
    assert.equal(errorCode(wrong), 'GONGCHE_ERR_TOTP_INVALID');
    const malformed = await h.app.inject({ method: 'POST', url: '/api/auth/totp/enable', headers: bearer(token), payload: { code: '12ab56' } });
    assert.equal(malformed.statusCode, 400);
    assert.equal(errorCode(malformed), 'GONGCHE_ERR_VALIDATION');

    const enabled = await h.app.inject({ method: 'POST', url: '/api/auth/totp/enable', headers: bearer(token), payload: { code: codeAt(secret, 0) } });
    assert.equal(enabled.statusCode, 200);
    assert.equal(enabled.json().totpEnabled, true);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/audit', headers: bearer(token) })).statusCode, 200);

    const again = await h.app.inject({ method: 'POST', url: '/api/auth/totp/setup', headers: bearer(token) });
    assert.equal(again.statusCode, 409);
    const audit = await h.store.db.selectFrom('audit_log').select('action').where('action', '=', 'auth.totp_enabled').execute();
    assert.equal(audit.length, 1);
  });

  test('enable without setup is refused', async () => {
    await addUser('enrol.nosetup', 'security_admin');
    const token = (await login('enrol.nosetup')).json().token;
    const response = await h.app.inject({ method: 'POST', url: '/api/auth/totp/enable', headers: bearer(token), payload: { code: '123456' } });
    assert.equal(response.statusCode, 409);
    assert.equal(errorCode(response), 'GONGCHE_ERR_TOTP_NOT_SET_UP');
  });
});

describe('log-in with TOTP', () => {
  let secret: string;
  before(async () => {
    await addUser('totp.login', 'sys_admin');
    secret = await enrolTotp(h.app, (await login('totp.login')).json().token);
  });

  test('secret is stored sealed, not as its base32 text', async () => {
    const row = await h.store.db.selectFrom('users').select(['id', 'totp_secret']).where('username', '=', 'totp.login').executeTakeFirstOrThrow();
    assert.ok(row.totp_secret);
    assert.equal(row.totp_secret.includes(secret), false);
    assert.equal(openTotpSecret(h.store.keyring!, row.id, row.totp_secret), secret);
    assert.throws(() => openTotpSecret(h.store.keyring!, row.id + 1, row.totp_secret!), { code: 'GONGCHE_ERR_DECRYPT_FAILED' });
  });

  test('without a code asks for one', async () => {
    const response = await login('totp.login');
    assert.equal(response.statusCode, 401);
    assert.equal(errorCode(response), 'GONGCHE_ERR_TOTP_REQUIRED');
  });

  test('with a wrong code fails', async () => {
    const response = await login('totp.login', testPassword, codeAt(secret, 600_000));
    assert.equal(response.statusCode, 401);
    assert.equal(errorCode(response), 'GONGCHE_ERR_TOTP_INVALID');
  });

  test('with the code but a wrong password fails as a wrong password', async () => {
    const response = await login('totp.login', 'Wrong-Pass-123', codeAt(secret, 30_000));
    assert.equal(errorCode(response), 'GONGCHE_ERR_LOGIN_FAILED');
  });

  test('with a current code succeeds and the code cannot be replayed', async () => {
    const code = codeAt(secret, 30_000);
    const first = await login('totp.login', testPassword, code);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().mustEnrolTotp, false);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/users', headers: bearer(first.json().token) })).statusCode, 200);

    const replay = await login('totp.login', testPassword, code);
    assert.equal(replay.statusCode, 401);
    assert.equal(errorCode(replay), 'GONGCHE_ERR_TOTP_INVALID');
  });

  test('wrong codes count toward the lockout', async () => {
    await addUser('totp.lockout', 'auditor');
    const lockSecret = await enrolTotp(h.app, (await login('totp.lockout')).json().token);
    for (let i = 1; i <= 4; i++) assert.equal(errorCode(await login('totp.lockout', testPassword, codeAt(lockSecret, i * 300_000))), 'GONGCHE_ERR_TOTP_INVALID');
    const fifth = await login('totp.lockout', testPassword, codeAt(lockSecret, 1_500_000));
    assert.equal(fifth.statusCode, 423);
  });

  test('secret never appears in account listings', async () => {
    const admin = await h.loginAs('sys_admin');
    const list = await h.app.inject({ method: 'GET', url: '/api/users', headers: bearer(admin) });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(secret));
    assert.doesNotMatch(list.body, /totpSecret|totp_secret/);
  });

  test('security_admin resets a lost second factor', async () => {
    const row = await h.store.db.selectFrom('users').select('id').where('username', '=', 'totp.login').executeTakeFirstOrThrow();
    const sysAdmin = await h.loginAs('sys_admin');
    assert.equal((await h.app.inject({ method: 'POST', url: `/api/users/${row.id}/reset-totp`, headers: bearer(sysAdmin) })).statusCode, 403);
    const securityAdmin = await h.loginAs('security_admin');
    const reset = await h.app.inject({ method: 'POST', url: `/api/users/${row.id}/reset-totp`, headers: bearer(securityAdmin) });
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.json().totpEnabled, false);
    const next = await login('totp.login');
    assert.equal(next.statusCode, 200);
    assert.equal(next.json().mustEnrolTotp, true);
  });
});
