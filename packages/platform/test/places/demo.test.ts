import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/logger.ts';
import { seedDemoFleet } from '../../src/demo/seed.ts';
import { seedDemoPlaces } from '../../src/places/demo/seed.ts';
import { loadPlaces } from '../../src/places/repository.ts';
import { PlaceIndex, type Place } from '../../src/rules/places.ts';
import { factsStore } from '../helpers/facts-store.ts';
import type { Store } from '../../src/store/db.ts';

const logger = createLogger({ level: 'silent' });
let store: Store;
let cleanup: () => Promise<void>;
let places: Place[];

before(async () => {
  ({ store, cleanup } = await factsStore());
  await seedDemoFleet(store.db, logger);
  places = await loadPlaces(store.db);
});
after(async () => cleanup());

const boundary = () => new PlaceIndex(places.filter((p) => p.category === 'prefecture_boundary'));

describe('Kashgar demo places', () => {
  test('give every demo unit designated parking', async () => {
    const units = await store.db.selectFrom('units').select('id').execute();
    const parked = new Set(places.filter((p) => p.category === 'designated_parking').map((p) => p.unitId));
    for (const unit of units) assert.ok(parked.has(unit.id), `unit ${unit.id} has designated parking`);
  });

  test('cover every category but other units\' parking', () => {
    const categories = new Set(places.map((p) => p.category));
    for (const category of ['prefecture_boundary', 'hotel', 'restaurant', 'scenic_spot', 'school', 'residential', 'wedding_funeral', 'entertainment', 'government_office'] as const) {
      assert.ok(categories.has(category), category);
    }
  });

  test('boundary holds Kashgar and Tashkurgan', () => {
    assert.equal(boundary().containing({ latitude: 39.4677, longitude: 75.9938 }).length, 1, 'Kashgar city');
    assert.equal(boundary().containing({ latitude: 37.7727, longitude: 75.2291 }).length, 1, 'Tashkurgan');
    assert.equal(boundary().containing({ latitude: 38.4167, longitude: 77.2406 }).length, 1, 'Shache');
  });

  test('boundary leaves out Artux and Akto', () => {
    assert.equal(boundary().containing({ latitude: 39.7134, longitude: 76.1684 }).length, 0, 'Artux (Kizilsu)');
    assert.equal(boundary().containing({ latitude: 39.1475, longitude: 75.9436 }).length, 0, 'Akto (Kizilsu)');
    assert.equal(boundary().containing({ latitude: 43.8256, longitude: 87.6168 }).length, 0, 'Urumqi');
  });

  test('parking places do not overlap', () => {
    const parking = places.filter((p) => p.category === 'designated_parking');
    const index = new PlaceIndex(parking);
    for (const place of parking) {
      const ring = place.shape.kind === 'polygon' ? place.shape.rings[0]! : [];
      const centre = { longitude: (ring[0]![0] + ring[2]![0]) / 2, latitude: (ring[0]![1] + ring[2]![1]) / 2 };
      assert.deepEqual(index.containing(centre).map((p) => p.id), [place.id], place.name);
    }
  });

  test('second seeding adds nothing', async () => {
    assert.equal(await seedDemoPlaces(store.db, logger), 0);
    assert.equal((await loadPlaces(store.db)).length, places.length);
  });
});
