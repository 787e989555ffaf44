import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { invalid } from '../../errors.ts';
import { draftProblem, type PlaceDraft } from '../draft.ts';
import { insertPlaces } from '../repository.ts';
import { parseGeoJson } from './geojson.ts';
import { parseKml } from './kml.ts';
import { parsePlacesCsv } from './csv.ts';
import type { ParseDefaults, ParseResult, ParsedPlace, PlaceImportError } from './types.ts';

export type { ParseDefaults, ParseResult, ParsedPlace, PlaceImportError } from './types.ts';

export const placeFileFormats = ['geojson', 'kml', 'csv'] as const;
export type PlaceFileFormat = (typeof placeFileFormats)[number];

/** Returns the format a file name's extension names; throws a validation error for any other. */
export function formatOfFile(file: string): PlaceFileFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.geojson' || extension === '.json') return 'geojson';
  if (extension === '.kml') return 'kml';
  if (extension === '.csv') return 'csv';
  throw invalid(`Unsupported place file type "${extension || '(none)'}": use .geojson, .json, .kml or .csv`, file);
}

/** Parses a place file of the given format; CSV bytes may be UTF-8 or GBK, GeoJSON and KML must be UTF-8. */
export function parsePlaceFile(bytes: Buffer, format: PlaceFileFormat, defaults: ParseDefaults = {}): ParseResult {
  if (format === 'csv') return parsePlacesCsv(bytes, defaults);
  const text = bytes.toString('utf8');
  return format === 'kml' ? parseKml(text, defaults) : parseGeoJson(text, defaults);
}

export interface PlaceImportResult {
  /** True when the places were stored; false on any error or a dry run. */
  imported: boolean;
  places: number;
  errors: PlaceImportError[];
  ids: number[];
}

export interface PlaceImportOptions {
  /** Unit of rows that name none. */
  defaultUnitId?: number | null | undefined;
  dryRun?: boolean | undefined;
}

/** Resolves a unit given by id or by exact name. */
function unitResolver(units: { id: number; name: string }[]) {
  const byName = new Map(units.map((u) => [u.name, u.id]));
  const ids = new Set(units.map((u) => u.id));
  return (text: string): number | null => (/^\d+$/.test(text) && ids.has(Number(text)) ? Number(text) : (byName.get(text) ?? null));
}

const duplicateKey = (category: string, unitId: number | null, name: string) => `${category}\u0000${unitId ?? ''}\u0000${name.trim()}`;

/**
 * Checks parsed places against the store (units exist, shapes valid, no place of the same name,
 * category and unit stored or repeated in the file) and stores them all in one transaction,
 * or none when any row has an error. A dry run checks without storing.
 */
export async function importPlaces(db: Kysely<Database>, parsed: ParseResult, options: PlaceImportOptions = {}): Promise<PlaceImportResult> {
  const errors = [...parsed.errors];
  const resolveUnit = unitResolver(await db.selectFrom('units').select(['id', 'name']).execute());
  const stored = await db.selectFrom('places').select(['id', 'name', 'category', 'unit_id']).execute();
  const existing = new Map(stored.map((p) => [duplicateKey(p.category, p.unit_id, p.name), p.id]));
  const seen = new Map<string, string>();
  const drafts: PlaceDraft[] = [];

  for (const place of parsed.places) {
    const report = (field: string, value: string | null, reason: string) => errors.push({ location: place.location, field, value, reason });
    let unitId = options.defaultUnitId ?? null;
    if (place.unit !== null) {
      unitId = resolveUnit(place.unit);
      if (unitId === null) report('unit', place.unit, 'unknown unit; give the exact unit name or its id');
    }
    const draft: PlaceDraft = { name: place.name, category: place.category, unitId, shape: place.shape, remarks: place.remarks };
    if (place.unit !== null && unitId === null) continue;
    const problem = draftProblem(draft);
    if (problem) {
      report(problem.field, problem.field === 'name' ? place.name : null, problem.reason);
      continue;
    }
    const key = duplicateKey(draft.category, draft.unitId, draft.name);
    const storedId = existing.get(key);
    if (storedId !== undefined) report('name', place.name, `a ${draft.category} place with this name and unit is already stored (place ${storedId}); rename it or delete the stored one`);
    else if (seen.has(key)) report('name', place.name, `repeats ${seen.get(key)}`);
    else seen.set(key, place.location);
    drafts.push(draft);
  }

  if (errors.length > 0 || options.dryRun) return { imported: false, places: drafts.length, errors, ids: [] };
  const ids = await insertPlaces(db, drafts, 'import');
  return { imported: true, places: ids.length, errors, ids };
}
