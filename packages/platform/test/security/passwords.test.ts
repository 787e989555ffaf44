import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../src/security/passwords.ts';

describe('password hashing', () => {
  test('stores scrypt parameters, salt and hash, and verifies', async () => {
    const stored = await hashPassword('Kashgar-2024!');
    assert.match(stored, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('Kashgar-2024!', stored), true);
    assert.equal(await verifyPassword('kashgar-2024!', stored), false);
  });

  test('salts every hash differently', async () => {
    assert.notEqual(await hashPassword('Same-Password-1'), await hashPassword('Same-Password-1'));
  });

  test('never matches a malformed stored hash', async () => {
    for (const stored of ['', 'plain', 'scrypt$1$2$3', 'bcrypt$16384$8$1$c2FsdA$aGFzaA', 'scrypt$x$8$1$c2FsdA$aGFzaA', 'scrypt$16384$8$1$c2FsdA$aGFzaA']) {
      assert.equal(await verifyPassword('anything', stored), false, stored);
    }
  });
});

describe('password policy', () => {
  const cases: [string, string, RegExp | null][] = [
    ['Short-1a', 'u', /at least 10/],
    ['alllowercaseletters', 'u', /3 of/],
    ['lowercase123456', 'u', /3 of/],
    ['lowercase-123456', 'u', null],
    ['Lower-and-UPPER', 'u', null],
    ['Operator.01', 'operator.01', /user name/],
    ['密码很长很长很长很长Ab1', 'u', null],
  ];
  for (const [password, username, expected] of cases) {
    test(`${password} for ${username}: ${expected ?? 'accepted'}`, () => {
      const problem = passwordProblem(password, username);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', expected);
    });
  }

  test('generated passwords meet the policy and differ', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      assert.equal(passwordProblem(password, 'admin'), null);
      seen.add(password);
    }
    assert.equal(seen.size, 200);
  });
});
