import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { withExistingStore } from '../store/open-existing.ts';
import { defineCommand } from './commands.ts';
import { readInputFile } from '../input-files.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';
import { invalid } from '../errors.ts';
import { categoryHint, parseCategory } from '../places/categories.ts';
import { formatOfFile, importPlaces, parsePlaceFile, type PlaceImportResult } from '../places/import/index.ts';

const usage = `Usage: gongche places import FILE [options]

Imports places from a GeoJSON (.geojson, .json), KML (.kml) or CSV (.csv) file.
  GeoJSON: a FeatureCollection of Polygon, MultiPolygon or Point features; properties name,
           category, radius (metres, for points), unit, remarks.
  KML:     Placemarks with a Polygon, a MultiGeometry of Polygons or a Point; <name>, and
           category, radius, unit in ExtendedData. A Folder named after a category gives it
           to the Placemarks inside.
  CSV:     columns name,category,lat,lon,radius (optional unit, remarks), or 名称,类别,纬度,经度,半径;
           UTF-8 with or without BOM, or GBK as Excel saves it.
Coordinates are WGS-84 degrees. Categories: English codes or Chinese names:
  ${categoryHint()}

If any row is invalid, nothing is imported and every problem is listed; the exit code is then 1.

Options:
  --unit UNIT        unit (name or id) of rows that name none; needed for designated parking
  --category CAT     category of rows that give none
  --radius M         radius in metres of points that give none
  --data-dir DIR     folder of the database file (default: ./data, or GONGCHE_DATA_DIR)
  --dry-run          check the file without storing anything`;

/** Finds a unit by id or exact name; throws a validation error naming the value otherwise. */
export async function resolveUnitOption(db: Kysely<Database>, text: string): Promise<number> {
  const unit = /^\d+$/.test(text)
    ? await db.selectFrom('units').select('id').where('id', '=', Number(text)).executeTakeFirst()
    : await db.selectFrom('units').select('id').where('name', '=', text).executeTakeFirst();
  if (!unit) throw invalid(`Unknown unit ${text} given with --unit: give the exact unit name or its id`, text);
  return unit.id;
}

function printResult(file: string, result: PlaceImportResult, dryRun: boolean): void {
  if (result.errors.length > 0) {
    console.error(`${file}: ${result.errors.length} error(s); nothing was imported.`);
    for (const e of result.errors) console.error(`  ${e.location}, ${e.field}${e.value === null ? '' : ` "${e.value}"`}: ${e.reason}`);
    return;
  }
  console.log(`${file}: ${dryRun ? 'would import' : 'imported'} ${result.places} place(s).${dryRun ? ' Dry run: nothing was stored.' : ''}`);
}

defineCommand({
  path: ['places', 'import'],
  summary: 'import places from a GeoJSON, KML or CSV file',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        unit: { type: 'string' },
        category: { type: 'string' },
        radius: { type: 'string' },
        'data-dir': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) {
      console.error(`Expected exactly one FILE, got ${positionals.length}.\n\n${usage}`);
      return 2;
    }
    const file = path.resolve(positionals[0]!);
    const format = formatOfFile(file);
    const category = values.category === undefined ? undefined : parseCategory(values.category);
    if (category === null) throw invalid(`Unknown category ${values.category} given with --category; use one of ${categoryHint()}`, values.category);
    const radiusM = values.radius === undefined ? undefined : Number(values.radius);
    if (radiusM !== undefined && !(radiusM > 0)) throw invalid(`Invalid --radius ${values.radius}: give a number of metres greater than 0`, values.radius);
    const bytes = await readInputFile(file);
    const dryRun = values['dry-run'];

    return withExistingStore(values['data-dir'], async (store) => {
      const defaultUnitId = values.unit === undefined ? null : await resolveUnitOption(store.db, values.unit);
      const result = await importPlaces(store.db, parsePlaceFile(bytes, format, { category, radiusM }), { defaultUnitId, dryRun });
      printResult(path.basename(file), result, dryRun);
      if (result.imported) {
        const detail = { file: path.basename(file), format, places: result.places, firstId: result.ids[0], lastId: result.ids.at(-1) };
        appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.placesImported, objectType: 'places', objectId: result.ids[0] ?? 0, detail });
      }
      return result.errors.length > 0 ? 1 : 0;
    });
  },
});
