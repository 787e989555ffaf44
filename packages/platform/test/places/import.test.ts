import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { parseGeoJson } from '../../src/places/import/geojson.ts';
import { parseKml } from '../../src/places/import/kml.ts';
import { parsePlacesCsv } from '../../src/places/import/csv.ts';
import { importPlaces } from '../../src/places/import/index.ts';
import { loadPlaces } from '../../src/places/repository.ts';
import { runCli } from '../../src/cli/commands.ts';
import { factsStore, unitWithVehicle } from '../helpers/facts-store.ts';
import { captureConsole } from '../helpers/console.ts';

const square = [[75.985, 39.468], [75.995, 39.468], [75.995, 39.476], [75.985, 39.476], [75.985, 39.468]];
const feature = (properties: object, geometry: object) => ({ type: 'Feature', properties, geometry });
const collection = (...features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });

describe('GeoJSON places', () => {
  test('reads polygons, multipolygons and points', () => {
    const result = parseGeoJson(collection(
      feature({ name: '喀什古城', category: '旅游景区' }, { type: 'Polygon', coordinates: [square] }),
      feature({ 名称: '两处校区', 类别: 'school' }, { type: 'MultiPolygon', coordinates: [[square], [square.map(([x, y]) => [x! + 0.02, y!])]] }),
      feature({ name: '古城饭店', category: 'restaurant', radius: '45' }, { type: 'Point', coordinates: [75.99, 39.47] }),
    ));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.places.map((p) => [p.name, p.category, p.shape.kind]), [['喀什古城', 'scenic_spot', 'polygon'], ['两处校区', 'school', 'multipolygon'], ['古城饭店', 'restaurant', 'circle']]);
    assert.deepEqual(result.places[2]!.shape, { kind: 'circle', longitude: 75.99, latitude: 39.47, radiusM: 45 });
  });

  test('names each bad feature', () => {
    const result = parseGeoJson(collection(
      feature({ category: 'hotel' }, { type: 'Point', coordinates: [75.99, 39.47] }),
      feature({ name: '歌厅', category: '歌舞厅' }, { type: 'Polygon', coordinates: [square] }),
      feature({ name: '道路', category: 'custom' }, { type: 'LineString', coordinates: square }),
      feature({ name: '颠倒', category: 'hotel', radius: 50 }, { type: 'Point', coordinates: [39.47, 75.99] }),
    ));
    assert.equal(result.places.length, 0);
    assert.deepEqual(result.errors.map((e) => [e.location, e.field, e.value]), [
      ['feature 1', 'name', null],
      ['feature 1', 'radius', null],
      ['feature 2 (歌厅)', 'category', '歌舞厅'],
      ['feature 3 (道路)', 'geometry.type', 'LineString'],
      ['feature 4 (颠倒)', 'geometry.coordinates', '[39.47,75.99]'],
    ]);
  });

  test('rejects text that is not JSON', () => {
    const result = parseGeoJson('{"type": "FeatureCollection", ');
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.reason, /not valid JSON/);
  });

  test('uses default category and radius', () => {
    const result = parseGeoJson(collection(feature({ name: '某酒店' }, { type: 'Point', coordinates: [75.99, 39.47] })), { category: 'hotel', radiusM: 60 });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.places[0]!.shape, { kind: 'circle', longitude: 75.99, latitude: 39.47, radiusM: 60 });
  });
});

const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>喀什场所</name>
    <Folder>
      <name>宾馆酒店</name>
      <Placemark>
        <name>其尼瓦克宾馆</name>
        <ExtendedData><Data name="radius"><value>120</value></Data></ExtendedData>
        <Point><coordinates>75.9843,39.4752,1290</coordinates></Point>
      </Placemark>
    </Folder>
    <Placemark>
      <name>喀什古城</name>
      <description>老城区</description>
      <ExtendedData><Data name="category"><value>scenic_spot</value></Data></ExtendedData>
      <Polygon>
        <outerBoundaryIs><LinearRing><coordinates>
          75.985,39.468,0 75.995,39.468,0 75.995,39.476,0 75.985,39.476,0 75.985,39.468,0
        </coordinates></LinearRing></outerBoundaryIs>
        <innerBoundaryIs><LinearRing><coordinates>75.989,39.471 75.991,39.471 75.991,39.473 75.989,39.471</coordinates></LinearRing></innerBoundaryIs>
      </Polygon>
    </Placemark>
    <Placemark>
      <name>两处小区</name>
      <ExtendedData><SchemaData><SimpleData name="类别">居民小区</SimpleData></SchemaData></ExtendedData>
      <MultiGeometry>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>75.95,39.47 75.951,39.47 75.951,39.471</coordinates></LinearRing></outerBoundaryIs></Polygon>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>75.96,39.47 75.961,39.47 75.961,39.471</coordinates></LinearRing></outerBoundaryIs></Polygon>
      </MultiGeometry>
    </Placemark>
  </Document>
</kml>`;

describe('KML places', () => {
  test('reads points, polygons with holes and multigeometry', () => {
    const result = parseKml(kml);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.places.map((p) => [p.name, p.category, p.shape.kind]), [['其尼瓦克宾馆', 'hotel', 'circle'], ['喀什古城', 'scenic_spot', 'polygon'], ['两处小区', 'residential', 'multipolygon']]);
    const oldTown = result.places[1]!;
    assert.equal(oldTown.remarks, '老城区');
    assert.equal(oldTown.shape.kind === 'polygon' && oldTown.shape.rings.length, 2);
  });

  test('names Placemarks with their line', () => {
    const bad = kml
      .replace('<Data name="radius"><value>120</value></Data>', '')
      .replace('<value>scenic_spot</value>', '<value>古迹</value>')
      .replace('75.95,39.47 75.951,39.47', '75.95;39.47 75.951,39.47');
    const result = parseKml(bad);
    assert.equal(result.places.length, 0);
    assert.deepEqual(result.errors.map((e) => [e.location, e.field]), [
      ['Placemark 1 (line 7) 其尼瓦克宾馆', 'radius'],
      ['Placemark 2 (line 13) 喀什古城', 'category'],
      ['Placemark 3 (line 24) 两处小区', 'coordinates'],
    ]);
  });

  test('reports malformed XML with its line', () => {
    const result = parseKml('<kml>\n<Document>\n<Placemark><name>x</name>\n</Document>\n</kml>');
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.location, /^line \d+$/);
    assert.match(result.errors[0]!.reason, /not well-formed XML/);
  });

  test('rejects a Placemark without geometry', () => {
    const result = parseKml('<kml><Placemark><name>路线</name><ExtendedData><Data name="category"><value>custom</value></Data></ExtendedData><LineString><coordinates>75.9,39.4 76,39.5</coordinates></LineString></Placemark></kml>');
    assert.deepEqual(result.errors.map((e) => [e.field, e.value]), [['geometry', 'LineString']]);
  });
});

const csv = 'name,category,lat,lon,radius,unit\n其尼瓦克宾馆,宾馆酒店,39.4752,75.9843,120,\n财政局停车场,designated_parking,39.4690,75.9640,60,喀什地区财政局\n';

describe('CSV places', () => {
  test('reads UTF-8 with a BOM', () => {
    const result = parsePlacesCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.places.map((p) => [p.name, p.category, p.unit]), [['其尼瓦克宾馆', 'hotel', null], ['财政局停车场', 'designated_parking', '喀什地区财政局']]);
  });

  test('reads GBK with Chinese headings', () => {
    const gbk = iconv.encode('名称,类别,纬度,经度,半径\r\n喜庆婚礼宴会厅,婚丧场所,39.4600,76.0050,60\r\n', 'gbk');
    const result = parsePlacesCsv(gbk);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.places[0], { location: 'line 2 (喜庆婚礼宴会厅)', name: '喜庆婚礼宴会厅', category: 'wedding_funeral', unit: null, shape: { kind: 'circle', latitude: 39.46, longitude: 76.005, radiusM: 60 }, remarks: null });
  });

  test('names the line and value of bad rows', () => {
    const text = 'name,category,lat,lon,radius\n好,hotel,39.47,75.98,50\n,hotel,39.47,75.98,50\n坏纬度,hotel,139.47,75.98,50\n坏半径,hotel,39.47,75.98,-5\n颠倒,hotel,75.98,39.47,50\n未知,夜总会,39.47,75.98,50\n';
    const result = parsePlacesCsv(Buffer.from(text));
    assert.deepEqual(result.errors.map((e) => [e.location, e.field, e.value]), [
      ['line 3', 'name', null],
      ['line 4 (坏纬度)', 'lat', '139.47'],
      ['line 5 (坏半径)', 'radius', '-5'],
      ['line 6 (颠倒)', 'lat', '75.98,39.47'],
      ['line 7 (未知)', 'category', '夜总会'],
    ]);
  });

  test('reports missing header columns', () => {
    const result = parsePlacesCsv(Buffer.from('name,lat,lon\nx,39,75\n'));
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0]!.reason, /missing column\(s\) category, radius/);
  });
});

describe('importPlaces', () => {
  test('stores all or nothing', async () => {
    const { store, cleanup } = await factsStore();
    try {
      await unitWithVehicle(store, '喀什地区财政局', '新Q·C0001');
      const bad = parsePlacesCsv(Buffer.from(`${csv}无主停车场,指定停车场,39.47,75.98,50,\n别的单位停车场,指定停车场,39.47,75.98,50,喀什地区不存在局\n`));
      const refused = await importPlaces(store.db, bad);
      assert.equal(refused.imported, false);
      assert.deepEqual(refused.errors.map((e) => [e.location, e.field]), [['line 4 (无主停车场)', 'unit'], ['line 5 (别的单位停车场)', 'unit']]);
      assert.equal((await loadPlaces(store.db)).length, 0);

      const dryRun = await importPlaces(store.db, parsePlacesCsv(Buffer.from(csv)), { dryRun: true });
      assert.deepEqual([dryRun.imported, dryRun.places], [false, 2]);
      assert.equal((await loadPlaces(store.db)).length, 0);

      const stored = await importPlaces(store.db, parsePlacesCsv(Buffer.from(csv)));
      assert.deepEqual([stored.imported, stored.places], [true, 2]);
      assert.equal((await loadPlaces(store.db)).length, 2);
    } finally {
      await cleanup();
    }
  });

  test('rejects names repeated in the file', async () => {
    const { store, cleanup } = await factsStore();
    try {
      const result = await importPlaces(store.db, parsePlacesCsv(Buffer.from('name,category,lat,lon,radius\n饭店,restaurant,39.47,75.98,30\n饭店,restaurant,39.48,75.99,30\n')));
      assert.deepEqual(result.errors.map((e) => [e.location, e.reason]), [['line 3 (饭店)', 'repeats line 2 (饭店)']]);
    } finally {
      await cleanup();
    }
  });
});

describe('places import command', () => {
  test('imports KML with default unit', async (t) => {
    const { store, dir, cleanup } = await factsStore();
    const output = captureConsole(t);
    const file = path.join(dir, 'parking.kml');
    await unitWithVehicle(store, '喀什地区财政局', '新Q·C0002');
    await fs.writeFile(file, '<kml><Placemark><name>财政局停车场</name><Polygon><outerBoundaryIs><LinearRing><coordinates>75.963,39.468 75.964,39.468 75.964,39.469 75.963,39.469</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>');
    const run = (...extra: string[]) => runCli(['places', 'import', file, '--data-dir', dir, '--category', '指定停车场', ...extra]);
    try {
      assert.equal(await run(), 1, 'designated parking without --unit is refused');
      assert.match(output.err(), /Placemark 1 .* needs the unit it belongs to/);
      assert.equal(await run('--unit', '喀什地区财政局'), 0, output.err());
      assert.match(output.out(), /imported 1 place/);
      const places = await loadPlaces(store.db);
      assert.deepEqual(places.map((p) => [p.name, p.category]), [['财政局停车场', 'designated_parking']]);
    } finally {
      await cleanup();
    }
  });
});
