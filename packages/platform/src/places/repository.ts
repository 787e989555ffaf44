import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { PlaceTable } from '../store/schema-rule-facts.ts';
import { checkPlace, shapeBox, type Place, type PlaceCategory, type PlaceShape } from '../rules/places.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { categoryNames } from './categories.ts';
import { draftProblem, type PlaceDraft } from './draft.ts';

export type PlaceRow = Selectable<PlaceTable>;
export type PlaceSource = 'api' | 'import' | 'demo';

/** A stored place as the API returns it. */
export interface PlaceView {
  id: number;
  name: string;
  category: PlaceCategory;
  categoryName: string;
  unitId: number | null;
  shape: PlaceShape;
  /** [minLon, minLat, maxLon, maxLat] in degrees. */
  bbox: [number, number, number, number];
  source: string;
  remarks: string | null;
  createdAt: string;
  updatedAt: string;
}

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

export function toPlaceView(row: PlaceRow): PlaceView {
  const place = placeFromRow(row);
  return {
    id: row.id,
    name: row.name,
    category: place.category,
    categoryName: categoryNames[place.category] ?? row.category,
    unitId: row.unit_id,
    shape: place.shape,
    bbox: [row.min_lon, row.min_lat, row.max_lon, row.max_lat],
    source: row.source,
    remarks: row.remarks,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Columns derived from a shape: its JSON and bounding box. Validates the place first. */
export function shapeColumns(place: Place) {
  checkPlace(place);
  const [minLon, minLat, maxLon, maxLat] = shapeBox(place.shape);
  return { shape: JSON.stringify(place.shape), min_lon: minLon, min_lat: minLat, max_lon: maxLon, max_lat: maxLat };
}

/** Loads every stored place, in id order, ready for a PlaceIndex. */
export async function loadPlaces(db: Kysely<Database>): Promise<Place[]> {
  const rows = await db.selectFrom('places').selectAll().orderBy('id').execute();
  return rows.map(placeFromRow);
}

/** Throws a validation error naming the draft's problem. */
export function assertValidDraft(draft: PlaceDraft): void {
  const problem = draftProblem(draft);
  if (problem) throw invalid(`Invalid place ${draft.name}: ${problem.reason}`, draft.name, [{ path: problem.field, message: problem.reason }]);
}

/** Throws a validation error when the unit does not exist. */
export async function assertUnitExists(db: Kysely<Database>, unitId: number | null): Promise<void> {
  if (unitId === null) return;
  const unit = await db.selectFrom('units').select('id').where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw invalid(`Unknown unit ${unitId}: register the unit first or give the id of an existing one`, unitId);
}

function rowValues(draft: PlaceDraft, source: PlaceSource, now: number) {
  return {
    name: draft.name.trim(),
    category: draft.category,
    unit_id: draft.unitId,
    ...shapeColumns({ id: 0, ...draft }),
    source,
    remarks: draft.remarks,
    created_at: now,
    updated_at: now,
  };
}

export async function getPlaceRow(db: Kysely<Database>, id: number): Promise<PlaceRow> {
  const row = await db.selectFrom('places').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Place', id);
  return row;
}

export async function createPlace(db: Kysely<Database>, draft: PlaceDraft, source: PlaceSource, now = Date.now()): Promise<PlaceView> {
  assertValidDraft(draft);
  await assertUnitExists(db, draft.unitId);
  const row = await db.insertInto('places').values(rowValues(draft, source, now)).returningAll().executeTakeFirstOrThrow();
  return toPlaceView(row);
}

/** Stores several checked drafts in one transaction; returns their ids in order. */
export async function insertPlaces(db: Kysely<Database>, drafts: readonly PlaceDraft[], source: PlaceSource, now = Date.now()): Promise<number[]> {
  return db.transaction().execute(async (trx) => {
    const ids: number[] = [];
    for (const draft of drafts) {
      const row = await trx.insertInto('places').values(rowValues(draft, source, now)).returning('id').executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    return ids;
  });
}

/** Changes the given fields of a place and validates the result as a whole. */
export async function updatePlace(db: Kysely<Database>, id: number, patch: Partial<PlaceDraft>, now = Date.now()): Promise<PlaceView> {
  const row = await getPlaceRow(db, id);
  const existing = placeFromRow(row);
  const draft: PlaceDraft = { name: existing.name, category: existing.category, unitId: existing.unitId, shape: existing.shape, remarks: row.remarks, ...patch };
  assertValidDraft(draft);
  await assertUnitExists(db, draft.unitId);
  const { created_at: _created, source: _source, ...values } = rowValues(draft, 'api', now);
  const updated = await db.updateTable('places').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toPlaceView(updated);
}

/** Deletes a place that no trip order names as a destination. */
export async function deletePlace(db: Kysely<Database>, id: number): Promise<PlaceView> {
  const row = await getPlaceRow(db, id);
  const users = await db.selectFrom('trip_order_destinations').select('order_id').distinct().where('place_id', '=', id).orderBy('order_id').limit(11).execute();
  if (users.length > 0) {
    const ids = users.slice(0, 10).map((u) => u.order_id).join(', ');
    throw conflict(`Place ${id} (${row.name}) is a destination of trip order(s) ${ids}${users.length > 10 ? ', …' : ''}; change or cancel those orders first`, id);
  }
  await db.deleteFrom('places').where('id', '=', id).execute();
  return toPlaceView(row);
}

/** Escapes LIKE wildcards so that the text matches literally anywhere in the column; use with ESCAPE '\' in SQL. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface PlaceFilter {
  /** Unit scope: places of no unit and of these units; undefined for every place. */
  scopeUnitIds: readonly number[] | undefined;
  category?: PlaceCategory | undefined;
  unitId?: number | undefined;
  /** Part of the name. */
  name?: string | undefined;
  /** Only places whose bounding box intersects [minLon, minLat, maxLon, maxLat]. */
  bbox?: readonly [number, number, number, number] | undefined;
  limit: number;
  offset: number;
}

export async function listPlaces(db: Kysely<Database>, filter: PlaceFilter): Promise<{ items: PlaceView[]; total: number }> {
  let query = db.selectFrom('places');
  if (filter.scopeUnitIds) {
    const ids = filter.scopeUnitIds;
    query = query.where((eb) => (ids.length === 0 ? eb('unit_id', 'is', null) : eb.or([eb('unit_id', 'is', null), eb('unit_id', 'in', ids)])));
  }
  if (filter.category) query = query.where('category', '=', filter.category);
  if (filter.unitId !== undefined) query = query.where('unit_id', '=', filter.unitId);
  if (filter.name) query = query.where(sql<boolean>`name like ${likePattern(filter.name)} escape '\\'`);
  if (filter.bbox) {
    const [minLon, minLat, maxLon, maxLat] = filter.bbox;
    query = query.where('max_lon', '>=', minLon).where('min_lon', '<=', maxLon).where('max_lat', '>=', minLat).where('min_lat', '<=', maxLat);
  }
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.selectAll().orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  return { items: rows.map(toPlaceView), total: Number(total) };
}
