import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCapability, type Capability } from '../../src/api/access.ts';
import { roles, type User } from '../../src/security/users.ts';
import { grants, type Capability as ConsoleCapability } from '../../../console/src/access/grants.ts';

// Fails the typecheck when either side has a capability that the other lacks.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameCapabilities: Same<Capability, ConsoleCapability> = true;

const userWith = (role: User['role']): User => ({ id: 1, username: 'u', displayName: null, role, unitId: null, mustChangePassword: false, totpEnabled: false, disabled: false });

test('console grants match the server', () => {
  assert.equal(sameCapabilities, true);
  assert.deepEqual(Object.keys(grants).sort(), [...roles].sort());
  const capabilities = new Set(Object.values(grants).flat());
  for (const role of roles) {
    for (const capability of capabilities) {
      assert.equal(grants[role].includes(capability), hasCapability(userWith(role), capability), `${role} ${capability}`);
    }
  }
});
