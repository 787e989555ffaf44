import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from '../api/harness.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';

let h: Harness;
let admin: string;
let operator: string;
let ownUnit: number;
let otherUnit: number;

const circle = { kind: 'circle', latitude: 39.4704, longitude: 75.9897, radiusM: 80 };
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

before(async () => {
  h = await startHarness();
  ownUnit = (await insertFleetVehicle(h.store.db, '喀什地区财政局', '新Q50001', '013950000001')).unitId;
  otherUnit = (await insertFleetVehicle(h.store.db, '喀什地区水利局', '新Q50002', '013950000002')).unitId;
  admin = await h.loginAs('bureau_admin');
  operator = await h.loginAs('unit_operator', { unitId: ownUnit });
});
after(async () => h.close());

const post = (token: string, url: string, payload: object) => h.app.inject({ method: 'POST', url, headers: bearer(token), payload });
const get = (token: string, url: string) => h.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('places API', () => {
  test('creates a place by Chinese category', async () => {
    const response = await post(admin, '/api/places', { name: '财政局停车场', category: '指定停车场', unitId: ownUnit, shape: circle });
    assert.equal(response.statusCode, 201, response.body);
    const place = response.json();
    assert.equal(place.category, 'designated_parking');
    assert.equal(place.categoryName, '指定停车场');
    assert.ok(place.bbox[0] < 75.9897 && place.bbox[2] > 75.9897);
    const entry = await h.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'place.created').where('object_id', '=', String(place.id)).executeTakeFirst();
    assert.ok(entry, 'place.created audit entry');
  });

  test('rejects designated parking without unit', async () => {
    const response = await post(admin, '/api/places', { name: '无主停车场', category: 'designated_parking', shape: circle });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
    assert.match(response.json().error.message, /needs the unit/);
  });

  test('rejects an unknown category', async () => {
    const response = await post(admin, '/api/places', { name: 'KTV', category: '歌厅', shape: circle });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /unknown category 歌厅/);
  });

  test('rejects a polygon ring of two vertices', async () => {
    const response = await post(admin, '/api/places', { name: '坏多边形', category: 'hotel', shape: { kind: 'polygon', rings: [[[75.99, 39.47], [75.991, 39.47]]] } });
    assert.equal(response.statusCode, 400);
  });

  test('forbids unit operators to write', async () => {
    const response = await post(operator, '/api/places', { name: '酒店', category: 'hotel', shape: circle });
    assert.equal(response.statusCode, 403);
    assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
  });

  test('scopes unit places for operators', async () => {
    const hotel = (await post(admin, '/api/places', { name: '其尼瓦克宾馆', category: 'hotel', shape: { ...circle, latitude: 39.4745 } })).json();
    const foreign = (await post(admin, '/api/places', { name: '水利局停车场', category: 'designated_parking', unitId: otherUnit, shape: { ...circle, longitude: 75.95 } })).json();
    const names = (await get(operator, '/api/places?limit=1000')).json().items.map((p: { name: string }) => p.name);
    assert.ok(names.includes('其尼瓦克宾馆'));
    assert.ok(names.includes('财政局停车场'));
    assert.ok(!names.includes('水利局停车场'));
    assert.equal((await get(operator, `/api/places/${foreign.id}`)).statusCode, 404);
    assert.equal((await get(operator, `/api/places/${hotel.id}`)).statusCode, 200);
  });

  test('filters by bounding box and name', async () => {
    const box = (await get(admin, '/api/places?bbox=75.94,39.46,75.96,39.48')).json();
    assert.deepEqual(box.items.map((p: { name: string }) => p.name), ['水利局停车场']);
    const named = (await get(admin, `/api/places?name=${encodeURIComponent('宾馆')}`)).json();
    assert.deepEqual(named.items.map((p: { name: string }) => p.name), ['其尼瓦克宾馆']);
    assert.equal((await get(admin, '/api/places?bbox=76,39,75,40')).statusCode, 400);
  });

  test('patches and deletes a place', async () => {
    const place = (await post(admin, '/api/places', { name: '临时场所', category: 'custom', shape: circle })).json();
    const patched = await h.app.inject({ method: 'PATCH', url: `/api/places/${place.id}`, headers: bearer(admin), payload: { name: '临时场所二', shape: { ...circle, radiusM: 120 } } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().shape.radiusM, 120);
    const deleted = await h.app.inject({ method: 'DELETE', url: `/api/places/${place.id}`, headers: bearer(admin) });
    assert.equal(deleted.statusCode, 200);
    assert.equal((await get(admin, `/api/places/${place.id}`)).statusCode, 404);
  });

  test('imports GeoJSON all or nothing', async () => {
    const features = [
      { type: 'Feature', properties: { name: '喀什古城', category: '旅游景区' }, geometry: { type: 'Polygon', coordinates: [[[75.985, 39.468], [75.995, 39.468], [75.995, 39.476], [75.985, 39.476], [75.985, 39.468]]] } },
      { type: 'Feature', properties: { name: '古城饭店', category: 'restaurant', radius: 40 }, geometry: { type: 'Point', coordinates: [75.99, 39.47] } },
      { type: 'Feature', properties: { name: '无半径', category: 'restaurant' }, geometry: { type: 'Point', coordinates: [75.99, 39.471] } },
    ];
    const count = async () => (await get(admin, '/api/places?limit=1000')).json().total as number;
    const before = await count();
    const bad = await post(admin, '/api/places/import', { format: 'geojson', contentBase64: b64(JSON.stringify({ type: 'FeatureCollection', features })) });
    assert.equal(bad.statusCode, 400);
    assert.equal(errorCode(bad), 'GONGCHE_ERR_IMPORT_ROWS');
    assert.deepEqual(bad.json().error.details.map((d: { location: string; field: string }) => [d.location, d.field]), [['feature 3 (无半径)', 'radius']]);
    assert.equal(await count(), before);

    const good = await post(admin, '/api/places/import', { format: 'geojson', contentBase64: b64(JSON.stringify({ type: 'FeatureCollection', features: features.slice(0, 2) })) });
    assert.equal(good.statusCode, 200, good.body);
    assert.equal(good.json().places, 2);
    assert.equal(await count(), before + 2);
    const again = await post(admin, '/api/places/import', { format: 'geojson', contentBase64: b64(JSON.stringify({ type: 'FeatureCollection', features: features.slice(0, 1) })) });
    assert.equal(again.statusCode, 400);
    assert.match(again.json().error.details[0].reason, /already stored/);
  });

  test('lists the categories with Chinese names', async () => {
    const items = (await get(operator, '/api/places/categories')).json().items;
    assert.equal(items.length, 12);
    assert.deepEqual(items.find((c: { code: string }) => c.code === 'wedding_funeral'), { code: 'wedding_funeral', name: '婚丧场所' });
  });

  test('documents the routes in OpenAPI', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/docs/json' });
    assert.equal(response.statusCode, 200);
    const paths = Object.keys(response.json().paths);
    for (const path of ['/api/places', '/api/places/import', '/api/orders', '/api/orders/{id}/approve', '/api/drivers', '/api/duty-rosters', '/api/driver-reports', '/api/calendar/status', '/api/calendar/import']) {
      assert.ok(paths.includes(path), `${path} documented`);
    }
  });
});
