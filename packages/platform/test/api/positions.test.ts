import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, errorCode, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle, insertPositions } from './fixtures.ts';

let h: Harness;
let admin: string;
let own: Awaited<ReturnType<typeof insertFleetVehicle>>;
let other: Awaited<ReturnType<typeof insertFleetVehicle>>;
const t0 = Date.parse('2024-05-01T08:00:00Z');
const from = '2024-05-01T00:00:00Z';
const to = '2024-05-02T00:00:00Z';

before(async () => {
  h = await startHarness();
  admin = await h.loginAs('bureau_admin');
  own = await insertFleetVehicle(h.store.db, '喀什地区轨迹测试单位甲', '新Q90001', '013912300001');
  other = await insertFleetVehicle(h.store.db, '喀什地区轨迹测试单位乙', '新Q90002', '013912300002');
  await insertPositions(h.store, own, [
    { deviceTime: t0 + 60_000, latitude: 39.2, longitude: 76.2 },
    { deviceTime: t0, latitude: 39.1, longitude: 76.1 },
    { deviceTime: t0 + 90_000, latitude: 45.0, longitude: 80.0, valid: false, invalidReason: 'impossible_jump' },
    { deviceTime: t0 + 120_000, latitude: 39.3, longitude: 76.3 },
    { deviceTime: null, receivedAt: t0 + 30_000, latitude: 39.15, longitude: 76.15, valid: false, invalidReason: 'invalid_time' },
    { deviceTime: t0 - 86_400_000, latitude: 38.0, longitude: 75.0 },
  ]);
  await insertPositions(h.store, other, [{ deviceTime: t0, latitude: 40.0 }]);
});
after(async () => h.close());

const positions = (vehicleId: number, query: string, token = admin) =>
  h.app.inject({ method: 'GET', url: `/api/vehicles/${vehicleId}/positions?${query}`, headers: bearer(token) });

describe('positions range', () => {
  test('returns valid positions in the range ordered by device time', async () => {
    const response = await positions(own.vehicleId, `from=${from}&to=${to}`);
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.plate, '新Q90001');
    assert.equal(body.truncated, false);
    assert.deepEqual(body.items.map((p: { latitude: number }) => p.latitude), [39.1, 39.2, 39.3]);
    const first = body.items[0];
    assert.equal(first.time, '2024-05-01T08:00:00.000Z');
    assert.equal(first.valid, true);
    assert.equal(first.acc, true);
    assert.equal(first.altitudeM, 1290);
    assert.equal(first.batchType, null);
    assert.equal(first.invalidReason, null);
  });

  test('includes invalid positions only when asked, with their reason', async () => {
    const response = await positions(own.vehicleId, `from=${from}&to=${to}&includeInvalid=true`);
    const items = response.json().items;
    assert.deepEqual(items.map((p: { latitude: number }) => p.latitude), [39.15, 39.1, 39.2, 45.0, 39.3]);
    assert.equal(items[0].time, null);
    assert.equal(items[0].invalidReason, 'invalid_time');
    assert.equal(items[3].valid, false);
    assert.equal(items[3].invalidReason, 'impossible_jump');
  });

  test('limit truncates and says so', async () => {
    const body = (await positions(own.vehicleId, `from=${from}&to=${to}&limit=2`)).json();
    assert.equal(body.items.length, 2);
    assert.equal(body.truncated, true);
  });

  test('GeoJSON has one LineString of valid fixes and one Point per position', async () => {
    const response = await positions(own.vehicleId, `from=${from}&to=${to}&format=geojson`);
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /application\/geo\+json/);
    const body = response.json();
    assert.equal(body.type, 'FeatureCollection');
    const [line, ...points] = body.features;
    assert.equal(line.geometry.type, 'LineString');
    assert.deepEqual(line.geometry.coordinates, [[76.1, 39.1], [76.2, 39.2], [76.3, 39.3]]);
    assert.equal(points.length, 3);
    assert.deepEqual(points[0].geometry, { type: 'Point', coordinates: [76.1, 39.1] });
    assert.equal(points[0].properties.time, '2024-05-01T08:00:00.000Z');
    assert.equal(points[0].properties.speedKmh, 36.5);
  });

  test('GeoJSON with includeInvalid keeps invalid points out of the line', async () => {
    const body = (await positions(own.vehicleId, `from=${from}&to=${to}&format=geojson&includeInvalid=true`)).json();
    const [line, ...points] = body.features;
    assert.equal(line.geometry.coordinates.length, 3);
    assert.equal(points.length, 5);
  });
});

describe('positions range errors', () => {
  const cases: [string, string, RegExp][] = [
    ['missing from', `to=${to}`, /from is required/],
    ['missing to', `from=${from}`, /to/],
    ['to before from', `from=${to}&to=${from}`, /later than from/],
    ['to equal to from', `from=${from}&to=${from}`, /later than from/],
    ['span over 31 days', 'from=2024-01-01T00:00:00Z&to=2024-02-02T00:00:00Z', /31 days/],
    ['time without zone', 'from=2024-05-01T00:00:00&to=2024-05-02T00:00:00Z', /ISO-8601/],
    ['not a time', `from=yesterday&to=${to}`, /ISO-8601/],
    ['unencoded plus in offset', `from=2024-05-01T08:00:00+08:00&to=${to}`, /lost the '\+' of its offset.*write it as %2B/],
    ['unknown format', `from=${from}&to=${to}&format=kml`, /format/],
    ['limit too large', `from=${from}&to=${to}&limit=1000000`, /limit/],
  ];
  for (const [name, query, message] of cases) {
    test(`rejects ${name} with 400`, async () => {
      const response = await positions(own.vehicleId, query);
      assert.equal(response.statusCode, 400);
      assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
      assert.match(response.json().error.message, message);
    });
  }

  test('unknown vehicle returns 404', async () => {
    assert.equal((await positions(99999, `from=${from}&to=${to}`)).statusCode, 404);
  });
});

describe('positions access', () => {
  test('unit_operator rejected for other unit', async () => {
    const operator = await h.loginAs('unit_operator', { unitId: own.unitId });
    assert.equal((await positions(own.vehicleId, `from=${from}&to=${to}`, operator)).statusCode, 200);
    const refused = await positions(other.vehicleId, `from=${from}&to=${to}`, operator);
    assert.equal(refused.statusCode, 404);
    assert.equal(errorCode(refused), 'GONGCHE_ERR_NOT_FOUND');
  });

  test('unit_operator without unit rejected', async () => {
    const operator = await h.loginAs('unit_operator');
    assert.equal((await positions(own.vehicleId, `from=${from}&to=${to}`, operator)).statusCode, 404);
  });

  test('position reads by role', async () => {
    for (const role of ['sys_admin', 'auditor', 'installer'] as const) {
      const response = await positions(own.vehicleId, `from=${from}&to=${to}`, await h.loginAs(role));
      assert.equal(response.statusCode, 403, role);
      assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN', role);
    }
    assert.equal((await positions(other.vehicleId, `from=${from}&to=${to}`, await h.loginAs('inspector'))).statusCode, 200);
    const supervisor = await h.loginAs('unit_supervisor', { unitId: other.unitId });
    assert.equal((await positions(other.vehicleId, `from=${from}&to=${to}`, supervisor)).statusCode, 200);
  });
});
