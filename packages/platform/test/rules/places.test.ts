import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaceIndex, pointInPolygon, shapeContains, type Place, type PlaceCategory, type PlaceShape, type Ring } from '../../src/rules/places.ts';
import { distanceM } from '../../src/ingest/geo.ts';
import { AppError } from '../../src/errors.ts';

// Kashgar old town, around the Id Kah Mosque.
const kashgar = { latitude: 39.4704, longitude: 75.9898 };

/** The point `metres` north of a position (one degree of latitude is about 111,195 m on this sphere). */
const north = (from: { latitude: number; longitude: number }, metres: number) => ({ latitude: from.latitude + metres / 111_195, longitude: from.longitude });

const place = (id: number, shape: PlaceShape, category: PlaceCategory = 'hotel'): Place => ({ id, name: `place ${id}`, category, unitId: null, shape });

// A U shape opening north: 0.01° wide, with a notch 0.004° wide cut from the top down to 0.003°.
const u: Ring = [
  [75.98, 39.46], [75.99, 39.46], [75.99, 39.47], [75.987, 39.47], [75.987, 39.463],
  [75.983, 39.463], [75.983, 39.47], [75.98, 39.47],
];

describe('point in polygon', () => {
  test('concave polygon excludes its notch', () => {
    assert.equal(pointInPolygon(75.985, 39.461, [u]), true, 'the bottom of the U');
    assert.equal(pointInPolygon(75.985, 39.468, [u]), false, 'inside the notch');
    assert.equal(pointInPolygon(75.981, 39.468, [u]), true, 'the left arm');
    assert.equal(pointInPolygon(75.989, 39.468, [u]), true, 'the right arm');
    assert.equal(pointInPolygon(75.995, 39.465, [u]), false, 'east of the U');
  });

  test('polygon with a hole excludes the hole', () => {
    const outer: Ring = [[75.98, 39.46], [75.99, 39.46], [75.99, 39.47], [75.98, 39.47], [75.98, 39.46]];
    const hole: Ring = [[75.984, 39.464], [75.986, 39.464], [75.986, 39.466], [75.984, 39.466]];
    assert.equal(pointInPolygon(75.985, 39.465, [outer, hole]), false);
    assert.equal(pointInPolygon(75.982, 39.465, [outer, hole]), true);
  });

  test('hole edge margin counts a point just inside the hole', () => {
    const outer: Ring = [[75.98, 39.46], [75.99, 39.46], [75.99, 39.47], [75.98, 39.47]];
    const hole: Ring = [[75.984, 39.464], [75.986, 39.464], [75.986, 39.466], [75.984, 39.466]];
    const shape: PlaceShape = { kind: 'polygon', rings: [outer, hole] };
    const justInsideHole = { latitude: 39.4642, longitude: 75.985 }; // about 22 m from the hole's south edge
    assert.equal(shapeContains(shape, justInsideHole), false);
    assert.equal(shapeContains(shape, justInsideHole, 30), true);
    assert.equal(shapeContains(shape, justInsideHole, 15), false);
  });

  test('multipolygon contains points in either part', () => {
    const a: Ring = [[75.0, 39.0], [75.1, 39.0], [75.1, 39.1], [75.0, 39.1]];
    const b: Ring = [[76.0, 39.0], [76.1, 39.0], [76.1, 39.1], [76.0, 39.1]];
    const shape: PlaceShape = { kind: 'multipolygon', polygons: [[a], [b]] };
    assert.equal(shapeContains(shape, { latitude: 39.05, longitude: 76.05 }), true);
    assert.equal(shapeContains(shape, { latitude: 39.05, longitude: 75.5 }), false);
  });
});

describe('circle edge and margin', () => {
  const circle: PlaceShape = { kind: 'circle', ...kashgar, radiusM: 100 };

  test('point just outside the radius is outside without a margin and inside with one', () => {
    const outside = north(kashgar, 120);
    assert.ok(Math.abs(distanceM(kashgar.latitude, kashgar.longitude, outside.latitude, outside.longitude) - 120) < 0.5);
    assert.equal(shapeContains(circle, north(kashgar, 99)), true);
    assert.equal(shapeContains(circle, outside), false);
    assert.equal(shapeContains(circle, outside, 30), true);
    assert.equal(shapeContains(circle, north(kashgar, 135), 30), false);
  });

  test('index applies the margin to circles and polygon edges', () => {
    const index = new PlaceIndex([place(1, circle), place(2, { kind: 'polygon', rings: [u] }, 'school')]);
    assert.deepEqual(index.containing(north(kashgar, 120)).map((p) => p.id), []);
    assert.deepEqual(index.containing(north(kashgar, 120), 30).map((p) => p.id), [1]);
    const southOfU = { latitude: 39.46 - 40 / 111_195, longitude: 75.985 };
    assert.deepEqual(index.containing(southOfU).map((p) => p.id), []);
    assert.deepEqual(index.containing(southOfU, 50).map((p) => p.id), [2]);
  });
});

describe('place index', () => {
  test('rejects invalid places and margins', () => {
    assert.throws(() => new PlaceIndex([place(1, { kind: 'circle', ...kashgar, radiusM: 0 })]), AppError);
    assert.throws(() => new PlaceIndex([place(2, { kind: 'polygon', rings: [[[75, 39], [75.1, 39]]] })]), AppError);
    assert.throws(() => new PlaceIndex([place(3, { kind: 'circle', latitude: 95, longitude: 75, radiusM: 10 })]), AppError);
    assert.throws(() => new PlaceIndex([place(4, { kind: 'polygon', rings: [] })]), AppError);
    assert.throws(() => new PlaceIndex([place(5, { kind: 'circle', ...kashgar, radiusM: 10 }, 'casino' as PlaceCategory)]), AppError);
    assert.throws(() => new PlaceIndex([]).containing(kashgar, -1), AppError);
  });

  test('empty index contains nothing', () => {
    assert.deepEqual(new PlaceIndex([]).containing(kashgar, 100), []);
  });

  test('20,000 random places agree with a brute-force scan', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    // A 0.5° square around Kashgar, so that places overlap and most points hit several.
    const randomPoint = () => ({ latitude: 39.2 + random() * 0.5, longitude: 75.7 + random() * 0.5 });
    const places: Place[] = [];
    for (let id = 0; id < 20_000; id++) {
      const c = randomPoint();
      if (id % 2 === 0) {
        places.push(place(id, { kind: 'circle', ...c, radiusM: 20 + random() * 800 }));
        continue;
      }
      const size = 0.001 + random() * 0.01;
      const ring: Ring = [[c.longitude, c.latitude], [c.longitude + size, c.latitude], [c.longitude + size / 2, c.latitude + size / 3], [c.longitude + size, c.latitude + size], [c.longitude, c.latitude + size]];
      places.push(place(id, { kind: 'polygon', rings: [ring] }));
    }
    const index = new PlaceIndex(places);

    let hits = 0;
    for (let q = 0; q < 500; q++) {
      const point = randomPoint();
      const margin = q % 2 === 0 ? 0 : 50;
      const expected = places.filter((p) => shapeContains(p.shape, point, margin)).map((p) => p.id);
      const actual = index.containing(point, margin).map((p) => p.id).sort((a, b) => a - b);
      assert.deepEqual(actual, expected, `point ${point.latitude},${point.longitude} margin ${margin}`);
      hits += actual.length;
    }
    assert.ok(hits > 500, `the random points hit ${hits} places; the test needs overlapping places`);
  });
});
