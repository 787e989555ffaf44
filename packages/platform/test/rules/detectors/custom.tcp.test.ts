import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness, type TestVehicle } from '../../helpers/rules-harness.ts';
import { beijing, circle, drive, endOf, kashgar, park } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let token: string;
before(async () => {
  h = await startRulesHarness();
  await h.addPlace({ name: '东湖公园', category: 'scenic_spot', shape: circle(kashgar.hotel, 300) });
  token = await h.login('bureau_admin');
});
after(() => h.close());

const weekendPark = {
  id: 'weekend-park',
  name: '周末在景区停留超过半小时',
  on: 'stop',
  severity: 'high',
  when: { placeCategories: ['scenic_spot'], dayTypes: ['weekend', 'holiday'], durationMin: { min: 30 } },
};

/** Sets the vehicle's own custom rules through the API. */
function setRules(car: TestVehicle, rules: unknown[]) {
  return h.request('PUT', `/api/rules/vehicles/${car.vehicleId}`, token, { templateId: null, overrides: { detectors: { custom: { settings: { rules } } } } });
}

async function visitPark(car: TestVehicle, date: string): Promise<void> {
  const terminal = await h.connect(car);
  const out = drive({ from: kashgar.office, to: kashgar.hotel, start: beijing(`${date} 15:00`), intervalS: 60 });
  const stay = park({ at: kashgar.hotel, start: endOf(out), minutes: 50 });
  const back = drive({ from: kashgar.hotel, to: kashgar.office, start: endOf(stay), intervalS: 60 });
  await terminal.reports([...out, ...stay, ...back]);
  await h.waitForRules();
}

describe('custom rules over TCP', () => {
  test('code in a rule is rejected', async () => {
    const car = await h.addVehicle();
    const response = await setRules(car, [{ ...weekendPark, when: { expression: 'speed > 100' } }]);
    assert.equal(response.status, 400);
    assert.equal(response.json.error.code, 'GONGCHE_ERR_VALIDATION');
    assert.match(response.json.error.message, /expression/);
  });

  test('Saturday at the park alerts', async () => {
    const car = await h.addVehicle();
    const saved = await setRules(car, [weekendPark]);
    assert.equal(saved.status, 200, JSON.stringify(saved.json));
    h.refreshRules();
    await visitPark(car, '2026-03-14');
    const alerts = await alertsOf(h, 'custom', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.ruleName, '周末在景区停留超过半小时');
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.facts.placeName, '东湖公园');
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('workday at the park is quiet', async () => {
    const car = await h.addVehicle();
    assert.equal((await setRules(car, [weekendPark])).status, 200);
    h.refreshRules();
    await visitPark(car, '2026-03-10');
    assert.deepEqual(await alertsOf(h, 'custom', car.vehicleId), []);
  });
});
