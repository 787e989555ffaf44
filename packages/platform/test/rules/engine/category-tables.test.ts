import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRules, type StoredTemplate, type TemplateSet } from '../../../src/rules/templates/resolve.ts';
import { defaultRuleSettings } from '../../../src/rules/templates/settings.ts';
import type { TemplateContent } from '../../../src/rules/templates/content.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';
import { nonOfficialPlaceDetector, type NonOfficialPlaceSettings } from '../../../src/rules/detectors/non-official-place.ts';
import { createUnit } from '../../../src/registry/units.ts';
import { createVehicle } from '../../../src/registry/vehicles.ts';
import { unitInput, vehicleInput } from '../../../src/registry/schemas.ts';
import { placeCategories } from '../../../src/rules/places.ts';
import { startHarness, bearer, errorCode, type Harness } from '../../api/harness.ts';

const detectors = [nonOfficialPlaceDetector] as Detector<unknown, unknown>[];
const defaults = nonOfficialPlaceDetector.defaults.categories;

function template(id: number, usageNature: string | null, unitId: number | null, content: TemplateContent): StoredTemplate {
  return { id, name: `t${id}`, usageNature, unitId, description: '', content };
}

const venueSettings = (settings: Record<string, unknown>) => ({ detectors: { non_official_place: { settings } } }) as TemplateContent;

function categoriesOf(set: TemplateSet, vehicle: { id: number; unitId: number; usageNature: string | null }) {
  const rules = resolveRules(set, vehicle, detectors, defaultRuleSettings);
  return (rules.detectors[0]!.settings as NonOfficialPlaceSettings).categories;
}

test('partial category table merges per category', () => {
  const set: TemplateSet = {
    templates: [
      template(1, null, null, venueSettings({ categories: { hotel: { minDwellMin: 60 } } })),
      template(2, null, 7, venueSettings({ categories: { custom: { minDwellMin: 20, severity: 'low' }, scenic_spot: null } })),
    ],
    assignments: new Map([[300, { templateId: null, overrides: venueSettings({ categories: { hotel: { severity: 'high' } }, officialMarginM: 80 }) }]]),
  };

  const base = categoriesOf(set, { id: 1, unitId: 9, usageNature: null });
  assert.deepEqual(base.hotel, { minDwellMin: 60, severity: defaults.hotel!.severity }, 'the hotel entry keeps the default severity');
  assert.deepEqual(base.entertainment, defaults.entertainment, 'categories the template does not name stay');
  assert.deepEqual(base.restaurant, defaults.restaurant);
  assert.deepEqual(base.scenic_spot, defaults.scenic_spot);

  const unit = categoriesOf(set, { id: 2, unitId: 7, usageNature: null });
  assert.deepEqual(Object.keys(unit).sort(), ['custom', 'entertainment', 'hotel', 'restaurant'], 'the unit adds custom places and drops scenic spots');
  assert.deepEqual(unit.hotel, { minDwellMin: 60, severity: 'medium' }, 'the base template still applies below the unit template');

  const rules = resolveRules(set, { id: 300, unitId: 7, usageNature: null }, detectors, defaultRuleSettings);
  const vehicle = rules.detectors[0]!.settings as NonOfficialPlaceSettings;
  assert.deepEqual(vehicle.categories.hotel, { minDwellMin: 60, severity: 'high' }, 'the vehicle override changes one field of one category');
  assert.deepEqual(vehicle.categories.custom, { minDwellMin: 20, severity: 'low' });
  assert.equal(vehicle.categories.scenic_spot, undefined);
  assert.equal(vehicle.officialMarginM, 80, 'plain settings still apply');
});

let h: Harness;
let admin: string;
let vehicleId: number;
before(async () => {
  h = await startHarness();
  admin = await h.loginAs('bureau_admin');
  const unitId = (await createUnit(h.store.db, unitInput.parse({ name: '喀什地区文化和旅游局' }))).id;
  vehicleId = (await createVehicle(h.store.db, vehicleInput.parse({ unitId, plate: '新Q30101', vehicleType: '轿车', usageNature: '一般公务用车' }))).id;
});
after(() => h.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
  h.app.inject({ method, url, headers: bearer(admin), ...(payload !== undefined && { payload: payload as object }) });

async function baseTemplate(): Promise<{ id: number; content: TemplateContent }> {
  const items = (await call('GET', '/api/rules/templates')).json().items as { id: number; usageNature: string | null; unitId: number | null; content: TemplateContent }[];
  return items.find((t) => t.usageNature === null && t.unitId === null)!;
}

test('unknown category rejected with allowed keys', async () => {
  const response = await call('POST', '/api/rules/templates', { name: '酒吧监测', content: venueSettings({ categories: { bar: { minDwellMin: 5, severity: 'high' } } }) });
  assert.equal(response.statusCode, 400, response.body);
  assert.equal(errorCode(response), 'GONGCHE_ERR_UNKNOWN_CATEGORY');
  const error = response.json().error as { message: string; value: unknown; details: { path: string; allowed: string[] }[] };
  assert.match(error.message, /detectors\.non_official_place\.settings\.categories\.bar: unknown place category bar/);
  assert.match(error.message, new RegExp(`expected one of ${placeCategories.join(', ')}`));
  assert.equal(error.value, 'bar');
  assert.deepEqual(error.details[0]!.allowed, [...placeCategories]);

  const override = await call('PUT', `/api/rules/vehicles/${vehicleId}`, { templateId: null, overrides: venueSettings({ categories: { karaoke: null } }) });
  assert.equal(override.statusCode, 400, override.body);
  assert.equal(errorCode(override), 'GONGCHE_ERR_UNKNOWN_CATEGORY');
  assert.match(override.json().error.message, /overrides of vehicle \d+ at .*categories\.karaoke/);
});

test('partial table saved and shown merged', async () => {
  const base = await baseTemplate();
  const content = { ...base.content, detectors: { ...base.content.detectors, non_official_place: { settings: { categories: { hotel: { minDwellMin: 45 } } } } } };
  const patched = await call('PATCH', `/api/rules/templates/${base.id}`, { content });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual(patched.json().content.detectors.non_official_place.settings, { categories: { hotel: { minDwellMin: 45 } } }, 'the template stores what was sent');

  const set = await call('PUT', `/api/rules/vehicles/${vehicleId}`, { templateId: null, overrides: venueSettings({ categories: { restaurant: { severity: 'low' } } }) });
  assert.equal(set.statusCode, 200, set.body);
  const effective = (set.json().effective.detectors as { code: string; settings: NonOfficialPlaceSettings }[]).find((d) => d.code === 'non_official_place')!;
  assert.deepEqual(effective.settings.categories, {
    ...defaults,
    hotel: { minDwellMin: 45, severity: defaults.hotel!.severity },
    restaurant: { minDwellMin: defaults.restaurant!.minDwellMin, severity: 'low' },
  });
});

test('entry invalid over its templates rejected', async () => {
  const base = await baseTemplate();
  const content = { ...base.content, detectors: { ...base.content.detectors, non_official_place: { settings: { categories: { hotel: null } } } } };
  assert.equal((await call('PATCH', `/api/rules/templates/${base.id}`, { content })).statusCode, 200);

  // The base template removed hotels, so an override naming only the dwell has no severity to inherit.
  const partial = await call('PUT', `/api/rules/vehicles/${vehicleId}`, { templateId: null, overrides: venueSettings({ categories: { hotel: { minDwellMin: 90 } } }) });
  assert.equal(partial.statusCode, 400, partial.body);
  assert.equal(errorCode(partial), 'GONGCHE_ERR_VALIDATION');
  assert.match(partial.json().error.message, /overrides of vehicle \d+ at detectors\.non_official_place\.settings over its templates \(基础模板, 一般公务用车\): .*categories\.hotel\.severity/);

  const whole = await call('PUT', `/api/rules/vehicles/${vehicleId}`, { templateId: null, overrides: venueSettings({ categories: { hotel: { minDwellMin: 90, severity: 'medium' } } }) });
  assert.equal(whole.statusCode, 200, whole.body);

  const emptied = await call('PATCH', `/api/rules/templates/${base.id}`, { content: venueSettings({ categories: Object.fromEntries(Object.keys(defaults).map((c) => [c, null])) }) });
  assert.equal(emptied.statusCode, 400, 'removing every category leaves nothing to watch: switch the rule off instead');
  assert.match(emptied.json().error.message, /Invalid setting categories of rule non_official_place: name at least one category/);
});
