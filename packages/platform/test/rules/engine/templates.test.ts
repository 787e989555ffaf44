import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRules, type TemplateSet, type StoredTemplate } from '../../../src/rules/templates/resolve.ts';
import { defaultRuleSettings } from '../../../src/rules/templates/settings.ts';
import type { TemplateContent } from '../../../src/rules/templates/content.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';
import { startHarness, bearer, errorCode, type Harness } from '../../api/harness.ts';
import { createUnit } from '../../../src/registry/units.ts';
import { createVehicle } from '../../../src/registry/vehicles.ts';
import { unitInput, vehicleInput } from '../../../src/registry/schemas.ts';
import { hotelStopDetector } from './fixtures/hotel-stop-detector.ts';

const detectors = [hotelStopDetector] as Detector<unknown, unknown>[];

function template(id: number, usageNature: string | null, unitId: number | null, content: TemplateContent): StoredTemplate {
  return { id, name: `t${id}`, usageNature, unitId, description: '', content };
}

const set: TemplateSet = {
  templates: [
    template(1, null, null, { detectors: { custom: { settings: { minMinutes: 10 } } } }),
    template(2, '执法执勤用车', null, { nightWindow: { start: '00:00', end: '07:00' }, detectors: { custom: { settings: { minMinutes: 20 } } } }),
    template(3, null, 5, { workingHours: [{ start: '09:30', end: '13:30' }] }),
    template(4, '执法执勤用车', 5, { detectors: { custom: { enabled: false } } }),
    template(5, null, 6, { detectors: { custom: { settings: { minMinutes: 45 } } } }),
  ],
  assignments: new Map([
    [100, { templateId: 5, overrides: {} }],
    [101, { templateId: null, overrides: { detectors: { custom: { settings: { minMinutes: 3 } } } } }],
  ]),
};

test('templates inherit from general to specific', () => {
  const plain = resolveRules(set, { id: 1, unitId: 9, usageNature: '一般公务用车' }, detectors, defaultRuleSettings);
  assert.deepEqual(plain.templateIds, [1]);
  assert.deepEqual(plain.detectors.map((d) => d.settings), [{ minMinutes: 10 }]);
  assert.deepEqual(plain.workingHours, [{ start: 600, end: 840 }, { start: 960, end: 1200 }], 'the default working hours');

  const duty = resolveRules(set, { id: 2, unitId: 9, usageNature: '执法执勤用车' }, detectors, defaultRuleSettings);
  assert.deepEqual(duty.templateIds, [1, 2]);
  assert.deepEqual(duty.detectors.map((d) => d.settings), [{ minMinutes: 20 }]);
  assert.deepEqual(duty.nightWindow, { start: 0, end: 420 });

  const unitDuty = resolveRules(set, { id: 3, unitId: 5, usageNature: '执法执勤用车' }, detectors, defaultRuleSettings);
  assert.deepEqual(unitDuty.templateIds, [1, 2, 3, 4]);
  assert.deepEqual(unitDuty.detectors, [], 'the unit switched the rule off for its duty vehicles');
  assert.deepEqual(unitDuty.disabled, ['custom']);
  assert.deepEqual(unitDuty.workingHours, [{ start: 570, end: 810 }]);
  assert.deepEqual(unitDuty.nightWindow, { start: 0, end: 420 }, 'windows the unit does not set are inherited');
});

test('vehicle template and overrides win', () => {
  const own = resolveRules(set, { id: 100, unitId: 5, usageNature: '执法执勤用车' }, detectors, defaultRuleSettings);
  assert.deepEqual(own.templateIds, [1, 5], 'its own template replaces those of its usage nature and unit');
  assert.deepEqual(own.detectors.map((d) => d.settings), [{ minMinutes: 45 }]);

  const overridden = resolveRules(set, { id: 101, unitId: 9, usageNature: '执法执勤用车' }, detectors, defaultRuleSettings);
  assert.deepEqual(overridden.detectors.map((d) => d.settings), [{ minMinutes: 3 }]);
});

let h: Harness;
let admin: string;
let unitId: number;
let vehicleId: number;
before(async () => {
  h = await startHarness();
  admin = await h.loginAs('bureau_admin');
  unitId = (await createUnit(h.store.db, unitInput.parse({ name: '喀什市公安局' }))).id;
  vehicleId = (await createVehicle(h.store.db, vehicleInput.parse({ unitId, plate: '新Q30001', vehicleType: '轿车', usageNature: '执法执勤用车' }))).id;
});
after(() => h.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, token: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: bearer(token), ...(payload !== undefined && { payload: payload as object }) });

test('seeded templates per usage nature', async () => {
  const response = await call('GET', '/api/rules/templates', admin);
  assert.equal(response.statusCode, 200);
  const items = response.json().items as { name: string; usageNature: string | null }[];
  assert.deepEqual(items.map((t) => t.usageNature), [null, '领导保障用车', '一般公务用车', '执法执勤用车']);
  const effective = await call('GET', `/api/rules/vehicles/${vehicleId}`, admin);
  assert.equal(effective.statusCode, 200);
  const body = effective.json();
  assert.deepEqual(body.effective.templates.map((t: { name: string }) => t.name), ['基础模板', '执法执勤用车']);
  const fixedToPerson = body.effective.detectors.find((d: { code: string }) => d.code === 'fixed_to_person');
  assert.equal(fixedToPerson.enabled, true, 'duty vehicles are checked for being fixed to one person');
  assert.deepEqual(body.effective.nightWindow, { start: '23:00', end: '08:00' });
});

test('unit template and vehicle override', async () => {
  const created = await call('POST', '/api/rules/templates', admin, {
    name: '公安局执法车',
    usageNature: '执法执勤用车',
    unitId,
    content: { nightWindow: { start: '01:00', end: '07:00' }, detectors: { holiday_use: { enabled: false } } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const duplicate = await call('POST', '/api/rules/templates', admin, { name: '另一个', usageNature: '执法执勤用车', unitId, content: {} });
  assert.equal(duplicate.statusCode, 409);
  assert.match(duplicate.json().error.message, /already applies to usage nature 执法执勤用车 and unit/);

  const set = await call('PUT', `/api/rules/vehicles/${vehicleId}`, admin, { templateId: null, overrides: { nightWindow: { start: '02:00', end: '06:00' } } });
  assert.equal(set.statusCode, 200, set.body);
  const body = set.json();
  assert.deepEqual(body.effective.templates.map((t: { name: string }) => t.name), ['基础模板', '执法执勤用车', '公安局执法车']);
  assert.deepEqual(body.effective.nightWindow, { start: '02:00', end: '06:00' });
  assert.equal(body.effective.detectors.find((d: { code: string }) => d.code === 'holiday_use').enabled, false);

  const withoutTemplate = await call('PUT', `/api/rules/vehicles/${vehicleId}`, admin, { overrides: { nightWindow: { start: '02:00', end: '06:00' } } });
  assert.equal(withoutTemplate.statusCode, 200, withoutTemplate.body);
  assert.equal(withoutTemplate.json().templateId, null);

  const operator = await h.loginAs('unit_operator', { unitId });
  assert.equal((await call('GET', `/api/rules/vehicles/${vehicleId}`, operator)).statusCode, 200);
  assert.equal((await call('PUT', `/api/rules/vehicles/${vehicleId}`, operator, { templateId: null, overrides: {} })).statusCode, 403);
  const otherUnit = (await createUnit(h.store.db, unitInput.parse({ name: '喀什市教育局' }))).id;
  const outsider = await h.loginAs('unit_operator', { unitId: otherUnit });
  assert.equal((await call('GET', `/api/rules/vehicles/${vehicleId}`, outsider)).statusCode, 404);
  const seen = (await call('GET', '/api/rules/templates', outsider)).json().items as { name: string }[];
  assert.equal(seen.some((t) => t.name === '公安局执法车'), false, 'another unit\'s template is not listed');
});

test('bad settings rejected clearly', async () => {
  const cases: { url: string; method: 'POST' | 'PATCH' | 'PUT'; body: unknown; message: RegExp }[] = [
    { method: 'POST', url: '/api/rules/templates', body: { name: 'x', content: { detectors: { speeding: { enabled: true } } } }, message: /detectors\.speeding: unknown rule code/ },
    { method: 'POST', url: '/api/rules/templates', body: { name: 'x', content: { nightWindow: { start: '25:00', end: '06:00' } } }, message: /nightWindow\.start: expected a time of day HH:MM/ },
    { method: 'POST', url: '/api/rules/templates', body: { name: 'x', content: { detectors: { device_power_cut: { settings: { minFixes: -3 } } } } }, message: /detectors\.device_power_cut\.settings/ },
    { method: 'POST', url: '/api/rules/templates', body: { name: 'x', unitId: 99_999, content: {} }, message: /Unknown unit 99999/ },
    { method: 'PUT', url: '/api/rules/settings', body: { timeZone: 'Asia/Kashgar_Old' }, message: /Unknown time zone Asia\/Kashgar_Old/ },
    { method: 'PUT', url: '/api/rules/settings', body: { workingHours: [] }, message: /Invalid rule setting workingHours/ },
    { method: 'PUT', url: '/api/rules/settings', body: { stops: { dwellRadiusM: 100, minDwellS: 0, stationarySpeedKmh: 5, departureFixes: 2 } }, message: /stops\.minDwellS/ },
    { method: 'PUT', url: '/api/rules/settings', body: { nightWindows: { start: '22:00', end: '06:00' } }, message: /Invalid rule setting nightWindows: unknown setting; expected one of timeZone/ },
  ];
  for (const c of cases) {
    const response = await call(c.method, c.url, admin, c.body);
    assert.equal(response.statusCode, 400, `${c.url} ${JSON.stringify(c.body)}: ${response.body}`);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.json().error.message, c.message);
  }
  const settings = await call('GET', '/api/rules/settings', admin);
  assert.equal(settings.json().timeZone, 'Asia/Shanghai', 'nothing was stored');

  const changed = await call('PUT', '/api/rules/settings', admin, { workingHours: [{ start: '10:00', end: '13:30' }, { start: '15:30', end: '19:30' }] });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual(changed.json().nightWindow, { start: '23:00', end: '08:00' }, 'settings not sent stay');
  const base = (await call('GET', '/api/rules/templates', admin)).json().items[0];
  const deleted = await call('DELETE', `/api/rules/templates/${base.id}`, admin);
  assert.equal(deleted.statusCode, 400);
  assert.match(deleted.json().error.message, /base template of every vehicle and cannot be deleted/);
});
