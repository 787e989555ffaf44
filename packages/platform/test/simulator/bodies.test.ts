import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributesBody, registrationBody, simulatedTerminalId } from '../../src/simulator/bodies.ts';

test('terminal ID differs per phone', () => {
  // These used to share the ID 0000001, which the rules took for one device on two phones.
  const ids = ['013900000001', '013800000001', '13800000001', '013900000100', '013900000010'].map(simulatedTerminalId);
  assert.equal(ids[1], ids[2], 'leading zeros do not change the phone');
  assert.equal(new Set([ids[0], ids[1], ids[3], ids[4]]).size, 4);
  for (const id of ids) assert.match(id, /^[0-9A-Z]{7}$/);
});

test('terminal ID of long phones', () => {
  const long = simulatedTerminalId('98765432109876543210');
  assert.match(long, /^[0-9A-Z]{7}$/);
  assert.equal(long, simulatedTerminalId('98765432109876543210'), 'stable');
  assert.notEqual(long, simulatedTerminalId('98765432109876543211'));
});

test('stored terminal ID wins', () => {
  const registration = registrationBody({ phone: '013900000001', edition: '2013', terminalModel: 'GC-SIM-1', plate: '新Q12345', plateColor: 1, terminalId: '0000001' });
  assert.equal((registration.body as { terminalId: string }).terminalId, '0000001');
  const derived = registrationBody({ phone: '013900000001', edition: '2013', terminalModel: 'GC-SIM-1', plate: '新Q12345', plateColor: 1 });
  assert.equal((derived.body as { terminalId: string }).terminalId, simulatedTerminalId('013900000001'));
  assert.equal((attributesBody('013900000001', 'GC-SIM-1').body as { terminalId: string }).terminalId, simulatedTerminalId('013900000001'));
});
