import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDemoUnits } from '../../src/demo/seed.ts';
import { creditCodeCheck, organisationCodeProblem } from '../../src/registry/organisation-code.ts';

test('demo credit codes pass the GB 32100 check', () => {
  for (const unit of loadDemoUnits()) assert.equal(organisationCodeProblem(unit.organisationCode!), null, unit.name);
});

test('corrupted credit code names the expected check character', () => {
  assert.match(organisationCodeProblem('11653100000073007M')!, /should be L, got M/);
  assert.match(organisationCodeProblem('11653100000073008L')!, /GB 32100/);
});

test('credit code with a forbidden letter is rejected', () => {
  assert.equal(creditCodeCheck('1165310000007300I'), null);
  assert.match(organisationCodeProblem('1165310000007300IL')!, /without I, O/);
});

test('nine-character organisation code uses the GB 11714 check', () => {
  // The organisation code embedded in 11653100000073007L is 000073007.
  assert.equal(organisationCodeProblem('000073007'), null);
  assert.match(organisationCodeProblem('000073008')!, /GB 11714\) should be 7, got 8/);
});

test('code of another length is rejected', () => {
  assert.match(organisationCodeProblem('12345')!, /got 5 characters/);
});
