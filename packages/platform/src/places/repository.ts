import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { PlaceTable } from '../store/schema-rule-facts.ts';
import { checkPlace, shapeBox, type Place, type PlaceCategory, type PlaceShape } from '../rules/places.ts';
import { invalid } from '../errors.ts';

export type PlaceRow = Selectable<PlaceTable>;

/** Turns a stored row into a Place; throws a validation error naming the row when its shape JSON is broken. */
export function placeFromRow(row: PlaceRow): Place {
  let shape: PlaceShape;
  try {
    shape = JSON.parse(row.shape) as PlaceShape;
  } catch (error) {
    throw invalid(`Stored place ${row.id} (${row.name}) has unreadable shape JSON`, row.id, { cause: String(error) });
  }
  return { id: row.id, name: row.name, category: row.category as PlaceCategory, unitId: row.unit_id, shape };
}

/** Columns derived from a shape: its JSON and bounding box. Validates the place first. */
export function shapeColumns(place: Place) {
  checkPlace(place);
  const [minLon, minLat, maxLon, maxLat] = shapeBox(place.shape);
  return { shape: JSON.stringify(place.shape), min_lon: minLon, min_lat: minLat, max_lon: maxLon, max_lat: maxLat };
}

/** Every stored place, in id order, ready for a PlaceIndex. */
export async function loadPlaces(db: Kysely<Database>): Promise<Place[]> {
  const rows = await db.selectFrom('places').selectAll().orderBy('id').execute();
  return rows.map(placeFromRow);
}
