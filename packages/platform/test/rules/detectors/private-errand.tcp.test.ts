import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRulesHarness, type RulesHarness } from '../../helpers/rules-harness.ts';
import { beijing, drive, endOf, kashgar, offset, park, square } from '../../helpers/rule-fixes.ts';
import { alertsOf, assertEvidenceStored } from './scenario.ts';

let h: RulesHarness;
let schoolId: number;
before(async () => {
  h = await startRulesHarness();
  schoolId = await h.addPlace({ name: '喀什市第六小学', category: 'school', shape: square(kashgar.school, 120) });
});
after(() => h.close());

const north = offset(kashgar.school, 2_000, 0);
const south = offset(kashgar.school, -2_000, 0);

describe('private_errand over TCP', () => {
  test('school drop-off at 09:40 alerts', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const arrive = drive({ from: north, to: kashgar.school, start: beijing('2026-03-10 09:35'), intervalS: 20 });
    const dropOff = park({ at: kashgar.school, start: endOf(arrive), minutes: 3, intervalS: 20, acc: true });
    const leave = drive({ from: kashgar.school, to: south, start: endOf(dropOff), intervalS: 20 });
    await terminal.reports([...arrive, ...dropOff, ...leave]);
    await h.waitForRules();

    const alerts = await alertsOf(h, 'private_errand', car.vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.kind, 'school_run');
    assert.equal(alerts[0]!.place_id, schoolId);
    assert.ok((alerts[0]!.facts.durationS as number) >= 150, 'about three minutes standing');
    await assertEvidenceStored(h, alerts[0]!);
  });

  test('drive-by and one-minute halt are quiet', async () => {
    const car = await h.addVehicle();
    const terminal = await h.connect(car);
    const past = drive({ from: north, to: south, start: beijing('2026-03-10 09:35'), intervalS: 20 });
    const back = drive({ from: south, to: kashgar.school, start: endOf(past) + 60_000, intervalS: 20 });
    const halt = park({ at: kashgar.school, start: endOf(back), minutes: 1, intervalS: 20, acc: true });
    const away = drive({ from: kashgar.school, to: north, start: endOf(halt), intervalS: 20 });
    await terminal.reports([...past, ...back, ...halt, ...away]);
    await h.waitForRules();

    assert.deepEqual(await alertsOf(h, 'private_errand', car.vehicleId), []);
  });
});
