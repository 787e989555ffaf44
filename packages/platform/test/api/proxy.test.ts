import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHarness, testPassword } from './harness.ts';
import { createUser } from '../../src/security/users.ts';

async function loginCookie(trustProxy: string | undefined) {
  const h = await startHarness(undefined, trustProxy === undefined ? {} : { trustProxy });
  try {
    await createUser(h.store.db, { username: 'proxied', role: 'inspector', unitId: null, password: testPassword, mustChangePassword: false });
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
      payload: { username: 'proxied', password: testPassword },
    });
    assert.equal(response.statusCode, 200, response.body);
    return { cookie: String(response.headers['set-cookie']), hsts: response.headers['strict-transport-security'] };
  } finally {
    await h.close();
  }
}

describe('behind a TLS proxy', () => {
  it('marks the session cookie Secure when the proxy is trusted', async () => {
    const { cookie, hsts } = await loginCookie('127.0.0.1');
    assert.match(cookie, /; Secure/);
    assert.ok(hsts);
  });

  it('ignores forwarded headers from an untrusted address', async () => {
    const { cookie, hsts } = await loginCookie(undefined);
    assert.doesNotMatch(cookie, /; Secure/);
    assert.equal(hsts, undefined);
  });
});
