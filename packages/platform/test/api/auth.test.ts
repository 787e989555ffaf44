import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, testPassword, type Harness } from './harness.ts';
import { createUser } from '../../src/security/users.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.close());

async function addUser(username: string, mustChangePassword = false) {
  await createUser(h.store.db, { username, role: 'bureau_admin', password: testPassword, mustChangePassword });
}

const login = (username: string, password: string) =>
  h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('log-in', () => {
  test('sets cookie and returns token', async () => {
    await addUser('alice');
    const response = await login('alice', testPassword);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.match(body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.user.username, 'alice');
    assert.equal(body.mustChangePassword, false);
    const setCookie = String(response.headers['set-cookie']);
    assert.match(setCookie, /gongche_session=/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/);

    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(body.token) });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().username, 'alice');
    assert.equal(me.json().role, 'bureau_admin');
  });

  test('stores only the SHA-256 of the token', async () => {
    await addUser('hashcheck');
    const { token } = (await login('hashcheck', testPassword)).json();
    const rows = await h.store.db.selectFrom('auth_sessions').select('token_hash').execute();
    assert.ok(rows.every((r) => r.token_hash !== token));
    assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash)));
  });

  test('same error for unknown user and wrong password', async () => {
    await addUser('bob');
    const wrongUser = await login('nobody', testPassword);
    const wrongPassword = await login('bob', 'Wrong-Pass-123');
    assert.equal(wrongUser.statusCode, 401);
    assert.equal(wrongPassword.statusCode, 401);
    assert.equal(errorCode(wrongUser), 'GONGCHE_ERR_LOGIN_FAILED');
    assert.deepEqual(wrongUser.json(), wrongPassword.json());
  });

  test('locks account after 5 failures', async () => {
    await addUser('carol');
    for (let i = 1; i <= 4; i++) assert.equal(errorCode(await login('carol', `Wrong-Pass-${i}00`)), 'GONGCHE_ERR_LOGIN_FAILED');
    const fifth = await login('carol', 'Wrong-Pass-500');
    assert.equal(fifth.statusCode, 423);
    assert.equal(errorCode(fifth), 'GONGCHE_ERR_ACCOUNT_LOCKED');
    const unlockAt = Date.parse(fifth.json().error.value.lockedUntil);
    assert.ok(unlockAt > Date.now() + 14 * 60_000, 'locked for about 15 minutes');
    assert.ok(unlockAt <= Date.now() + 15 * 60_000, 'locked for at most 15 minutes');
    assert.equal(fifth.json().error.value.retryAfterMinutes, 15);
    assert.equal(fifth.json().error.value.lockoutMinutes, 15);

    const right = await login('carol', testPassword);
    assert.equal(right.statusCode, 423);
    assert.equal(errorCode(right), 'GONGCHE_ERR_ACCOUNT_LOCKED');
  });

  test('lockout reports minutes left', async () => {
    await addUser('carl');
    const lockedUntil = Date.now() + 4.5 * 60_000;
    await h.store.db.updateTable('users').set({ locked_until: lockedUntil }).where('username', '=', 'carl').execute();
    const response = await login('carl', testPassword);
    assert.equal(errorCode(response), 'GONGCHE_ERR_ACCOUNT_LOCKED');
    const value = response.json().error.value;
    assert.equal(value.retryAfterMinutes, 5, 'four and a half minutes left round up to 5');
    assert.equal(value.lockoutMinutes, 15);
    assert.equal(Date.parse(value.lockedUntil), lockedUntil);
  });

  test('success resets failure count', async () => {
    await addUser('dave');
    for (let i = 1; i <= 4; i++) await login('dave', `Wrong-Pass-${i}00`);
    assert.equal((await login('dave', testPassword)).statusCode, 200);
    assert.equal(errorCode(await login('dave', 'Wrong-Pass-600')), 'GONGCHE_ERR_LOGIN_FAILED');
  });

  test('log-in without content type names the header', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: '{"username":"admin","password":"x"}' });
    assert.equal(response.statusCode, 415);
    assert.equal(response.json().error.code, 'GONGCHE_ERR_UNSUPPORTED_MEDIA_TYPE');
    assert.match(response.json().error.message, /Content-Type: application\/json/);
  });

  test('missing password names the field', async () => {
    const response = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.ok(response.json().error.details.some((d: { path: string }) => d.path === 'body.password'));
  });
});

describe('sessions', () => {
  test('logout ends the session', async () => {
    await addUser('erin');
    const { token } = (await login('erin', testPassword)).json();
    const out = await h.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) });
    assert.equal(out.statusCode, 204);
    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    assert.equal(me.statusCode, 401);
    assert.equal(errorCode(me), 'GONGCHE_ERR_UNAUTHORIZED');
  });

  test('rejects missing or malformed credentials', async () => {
    const none = await h.app.inject({ method: 'GET', url: '/api/units' });
    assert.equal(none.statusCode, 401);
    const malformed = await h.app.inject({ method: 'GET', url: '/api/units', headers: { authorization: 'Token abc' } });
    assert.equal(malformed.statusCode, 401);
    assert.match(malformed.json().error.message, /expected "Bearer <token>"/);
    const unknown = await h.app.inject({ method: 'GET', url: '/api/units', headers: bearer('A'.repeat(43)) });
    assert.equal(unknown.statusCode, 401);
    assert.match(unknown.json().error.message, /Session expired or unknown: log in again/);
    // A token cut short when pasted is well-formed Bearer but no token: it reads as unknown, not as a bad header.
    const cut = await h.app.inject({ method: 'GET', url: '/api/units', headers: bearer('abc.def') });
    assert.equal(cut.statusCode, 401);
    assert.match(cut.json().error.message, /Session expired or unknown: log in again/);
  });

  test('expires session idle over 30 minutes', async () => {
    await addUser('frank');
    const { token } = (await login('frank', testPassword)).json();
    await h.store.db.updateTable('auth_sessions').set({ last_seen_at: Date.now() - 31 * 60_000 }).execute();
    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    assert.equal(me.statusCode, 401);
  });

  test('expires busy session after 12 hours', async () => {
    await addUser('grace');
    const { token } = (await login('grace', testPassword)).json();
    await h.store.db.updateTable('auth_sessions').set({ created_at: Date.now() - 12 * 3600_000 - 1000, last_seen_at: Date.now() }).execute();
    const me = await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
    assert.equal(me.statusCode, 401);
  });

  test('cookie POST needs X-Requested-With header', async () => {
    await addUser('heidi');
    const { token } = (await login('heidi', testPassword)).json();
    const payload = { name: '喀什地区测试局' };
    const cookie = { cookie: `gongche_session=${token}` };

    const withoutHeader = await h.app.inject({ method: 'POST', url: '/api/units', headers: cookie, payload });
    assert.equal(withoutHeader.statusCode, 403);
    assert.equal(errorCode(withoutHeader), 'GONGCHE_ERR_CSRF');

    const cookieGet = await h.app.inject({ method: 'GET', url: '/api/units', headers: cookie });
    assert.equal(cookieGet.statusCode, 200);

    const withHeader = await h.app.inject({ method: 'POST', url: '/api/units', headers: { ...cookie, 'x-requested-with': 'gongche' }, payload });
    assert.equal(withHeader.statusCode, 201);

    const viaBearer = await h.app.inject({ method: 'POST', url: '/api/units', headers: bearer(token), payload: { name: '喀什地区测试二局' } });
    assert.equal(viaBearer.statusCode, 201);
  });
});

describe('one-time password', () => {
  test('must be changed before other routes', async () => {
    await addUser('ivan', true);
    const first = await login('ivan', testPassword);
    assert.equal(first.json().mustChangePassword, true);
    const { token } = first.json();

    const units = await h.app.inject({ method: 'GET', url: '/api/units', headers: bearer(token) });
    assert.equal(units.statusCode, 403);
    assert.equal(errorCode(units), 'GONGCHE_ERR_PASSWORD_CHANGE_REQUIRED');
    assert.match(units.json().error.message, /change/i);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).statusCode, 200);

    const change = (currentPassword: string, newPassword: string) =>
      h.app.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(token), payload: { currentPassword, newPassword } });

    const weak = await change(testPassword, 'alllowercase');
    assert.equal(weak.statusCode, 400);
    assert.equal(weak.json().error.details[0].path, 'body.newPassword');
    assert.equal((await change(testPassword, testPassword)).statusCode, 400);
    const wrongCurrent = await change('Not-The-Password-1', 'Brand-New-Pass-2');
    assert.equal(wrongCurrent.statusCode, 403);
    assert.equal(errorCode(wrongCurrent), 'GONGCHE_ERR_PASSWORD_INCORRECT');

    const ok = await change(testPassword, 'Brand-New-Pass-2');
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().mustChangePassword, false);
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/units', headers: bearer(token) })).statusCode, 200);
    assert.equal((await login('ivan', testPassword)).statusCode, 401);
    assert.equal((await login('ivan', 'Brand-New-Pass-2')).statusCode, 200);
  });
});

describe('public routes and headers', () => {
  test('health is public with security headers', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'ok');
    assert.equal(typeof response.json().version, 'string');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/);
  });

  test('OpenAPI document and UI are public', async () => {
    const doc = await h.app.inject({ method: 'GET', url: '/api/docs/json' });
    assert.equal(doc.statusCode, 200);
    const openapi = doc.json();
    assert.ok(openapi.paths['/api/vehicles/{id}/positions']);
    assert.match(openapi.info.description, /X-Requested-With: gongche/);
    const ui = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    assert.equal(ui.statusCode, 200);
    assert.match(String(ui.headers['content-type']), /text\/html/);
  });

  test('unknown route returns JSON 404', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/nothing-here' });
    assert.equal(response.statusCode, 404);
    assert.equal(errorCode(response), 'GONGCHE_ERR_NOT_FOUND');
  });

  test('rejects body over 1 MiB', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x', password: 'y'.repeat(1024 * 1024 + 10) }),
    });
    assert.equal(response.statusCode, 413);
    assert.equal(errorCode(response), 'GONGCHE_ERR_PAYLOAD_TOO_LARGE');
  });
});
