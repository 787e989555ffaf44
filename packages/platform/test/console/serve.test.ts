import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../api/harness.ts';
import { mapSettingsFromEnv, tileOrigins } from '../../src/console/map-settings.ts';
import { AppError } from '../../src/errors.ts';

const built = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-console-'));
fs.mkdirSync(path.join(built, 'assets'));
fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>console</title><div id="app"></div>');
fs.writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log(1)');

let h: Harness;
before(async () => {
  process.env.GONGCHE_CONSOLE_DIR = built;
  h = await startHarness();
});
after(async () => {
  await h.close();
  delete process.env.GONGCHE_CONSOLE_DIR;
  fs.rmSync(built, { recursive: true, force: true });
});

test('root serves index.html without log-in', async () => {
  const response = await h.app.inject({ method: 'GET', url: '/' });
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /<div id="app">/);
  assert.equal(response.headers['cache-control'], 'no-cache');
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /script-src 'self';/);
  assert.match(csp, /img-src 'self' data: blob:;/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
});

test('console routes fall back to index.html', async () => {
  for (const url of ['/map', '/rollout/work-orders', '/login?redirect=%2Fmap']) {
    const response = await h.app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, url);
    assert.match(response.body, /<div id="app">/, url);
  }
});

test('hashed assets are cached immutably', async () => {
  const response = await h.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['cache-control']), /max-age=31536000.*immutable/);
  assert.match(String(response.headers['content-type']), /javascript/);
});

test('missing asset and API paths answer 404 JSON', async () => {
  const asset = await h.app.inject({ method: 'GET', url: '/assets/missing.js' });
  assert.equal(asset.statusCode, 404);
  const api = await h.app.inject({ method: 'GET', url: '/api/no-such-route' });
  assert.equal(api.statusCode, 404);
  assert.equal(api.json().error.code, 'GONGCHE_ERR_NOT_FOUND');
  assert.match(String(api.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(api.headers['cache-control'], 'no-store');
});

test('asset path traversal stays in the folder', async () => {
  const response = await h.app.inject({ method: 'GET', url: '/assets/..%2f..%2fetc%2fpasswd' });
  assert.notEqual(response.statusCode, 200);
  assert.doesNotMatch(response.body, /root:/);
});

test('console settings need a log-in', async () => {
  const anonymous = await h.app.inject({ method: 'GET', url: '/api/console/settings' });
  assert.equal(anonymous.statusCode, 401);
  const token = await h.loginAs('installer');
  const response = await h.app.inject({ method: 'GET', url: '/api/console/settings', headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json().map, { tiles: 'none', urls: [], subdomains: [], datum: 'wgs84', attribution: '', maxZoom: 18 });
  assert.deepEqual(response.json().leadership, { reasonRequired: false, minReasonLength: 4 }, 'an installer never sees leadership vehicles live');
});

test('console settings ask live viewers for a reason', async () => {
  const token = await h.loginAs('bureau_admin');
  const response = await h.app.inject({ method: 'GET', url: '/api/console/settings', headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().leadership.reasonRequired, true, 'the default live viewers are the bureau administrators');
});

test('map settings default to no tiles', () => {
  assert.equal(mapSettingsFromEnv({}).tiles, 'none');
  assert.deepEqual(tileOrigins(mapSettingsFromEnv({})), []);
});

test('Tianditu tiles need a key', () => {
  assert.throws(() => mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'tianditu' }), (error: AppError) => error.code === 'GONGCHE_ERR_VALIDATION' && /GONGCHE_MAP_TIANDITU_KEY/.test(error.message));
  const settings = mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'tianditu', GONGCHE_MAP_TIANDITU_KEY: 'abc123' });
  assert.equal(settings.datum, 'wgs84');
  assert.equal(settings.urls.length, 2);
  assert.match(settings.urls[0]!, /tk=abc123/);
  assert.deepEqual(tileOrigins(settings), ['0', '1', '2', '3', '4', '5', '6', '7'].map((n) => `https://t${n}.tianditu.gov.cn`));
});

test('AMap tiles use the GCJ-02 datum', () => {
  const settings = mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'amap' });
  assert.equal(settings.datum, 'gcj02');
  assert.deepEqual(tileOrigins(settings), ['1', '2', '3', '4'].map((n) => `https://webrd0${n}.is.autonavi.com`));
});

test('custom tile settings are checked', () => {
  assert.throws(() => mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'google' }), /must be one of none, osm, tianditu, amap, custom/);
  assert.throws(() => mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'custom', GONGCHE_MAP_TILE_URL: 'tiles/{z}/{x}/{y}.png' }), /GONGCHE_MAP_TILE_URL/);
  assert.throws(() => mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'custom', GONGCHE_MAP_TILE_URL: 'http://10.1.2.3:8000/{z}/{x}/{y}.png', GONGCHE_MAP_TILE_DATUM: 'bd09' }), /wgs84 or gcj02/);
  const settings = mapSettingsFromEnv({ GONGCHE_MAP_TILES: 'custom', GONGCHE_MAP_TILE_URL: 'http://10.1.2.3:8000/{z}/{x}/{y}.png', GONGCHE_MAP_TILE_DATUM: 'gcj02' });
  assert.deepEqual(tileOrigins(settings), ['http://10.1.2.3:8000']);
  assert.equal(settings.datum, 'gcj02');
});

test('tile origins enter the console CSP only', async () => {
  process.env.GONGCHE_MAP_TILES = 'osm';
  const osm = await startHarness();
  try {
    const page = await osm.app.inject({ method: 'GET', url: '/' });
    assert.match(String(page.headers['content-security-policy']), /img-src 'self' data: blob: https:\/\/tile\.openstreetmap\.org;/);
    assert.equal(page.headers['referrer-policy'], 'strict-origin');
    const api = await osm.app.inject({ method: 'GET', url: '/api/health' });
    assert.doesNotMatch(String(api.headers['content-security-policy']), /openstreetmap/);
    assert.equal(api.headers['referrer-policy'], 'no-referrer');
  } finally {
    delete process.env.GONGCHE_MAP_TILES;
    await osm.close();
  }
});

test('unbuilt console answers 503 with the build command', async () => {
  process.env.GONGCHE_CONSOLE_DIR = path.join(built, 'missing');
  const bare = await startHarness();
  try {
    const response = await bare.app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 503);
    assert.match(response.json().error.message, /npm run build --workspace @gongche\/console/);
  } finally {
    process.env.GONGCHE_CONSOLE_DIR = built;
    await bare.close();
  }
});
