import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { assertCapability, assertInScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { AUDIT_ACTIONS } from '../../audit/log.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { audit, scopeFilter } from './rollout-common.ts';
import { categoryInput, fileContent, importBodyLimit, importRowsError, pageQuery } from './facts-common.ts';
import { placeCategories } from '../../rules/places.ts';
import { categoryNames } from '../../places/categories.ts';
import { createPlace, deletePlace, getPlaceRow, listPlaces, toPlaceView, updatePlace } from '../../places/repository.ts';
import { importPlaces, parsePlaceFile, placeFileFormats } from '../../places/import/index.ts';
import { invalid } from '../../errors.ts';

const position = z
  .array(z.number())
  .length(2)
  .describe('[longitude, latitude], WGS-84 degrees')
  .transform((pair) => [pair[0]!, pair[1]!] as const);
const ring = z.array(position).min(3).describe('A closed ring; the closing vertex may be repeated or left out');
const shapeInput = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('circle'), latitude: z.number(), longitude: z.number(), radiusM: z.number().positive().describe('Radius in metres') }),
    z.object({ kind: z.literal('polygon'), rings: z.array(ring).min(1).describe('Outer ring first, then holes') }),
    z.object({ kind: z.literal('multipolygon'), polygons: z.array(z.array(ring).min(1)).min(1) }),
  ])
  .describe('Circle, polygon or multipolygon, WGS-84');

const placeInput = z.object({
  name: z.string().trim().min(1).max(100),
  category: categoryInput,
  unitId: z.number().int().positive().nullable().default(null).describe('Owning unit; required for designated_parking and other_unit_parking'),
  shape: shapeInput,
  remarks: z.string().max(500).nullable().default(null),
});
const placePatch = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  category: categoryInput.optional(),
  unitId: z.number().int().positive().nullable().optional(),
  shape: shapeInput.optional(),
  remarks: z.string().max(500).nullable().optional(),
});

const placeOutput = z.object({
  id: z.number(),
  name: z.string(),
  category: z.enum(placeCategories),
  categoryName: z.string(),
  unitId: z.number().nullable(),
  shape: z.any().describe('The stored shape, as given'),
  bbox: z.array(z.number()).describe('[minLon, minLat, maxLon, maxLat]'),
  source: z.string().describe('api, import or demo'),
  remarks: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const listQuery = z.object({
  category: categoryInput.optional(),
  unitId: z.coerce.number().int().positive().optional(),
  name: z.string().trim().min(1).max(100).optional().describe('Part of the name'),
  bbox: z.string().optional().describe('minLon,minLat,maxLon,maxLat: only places whose bounding box meets this box'),
  ...pageQuery,
});

const importBody = z.object({
  format: z.enum(placeFileFormats),
  contentBase64: fileContent,
  unitId: z.number().int().positive().nullable().default(null).describe('Unit of rows that name none'),
  category: categoryInput.optional().describe('Category of rows that give none'),
  radiusM: z.number().positive().optional().describe('Radius in metres of points that give none'),
  dryRun: z.boolean().default(false),
});

const importOutput = z.object({ imported: z.boolean(), places: z.number(), ids: z.array(z.number()), errors: z.array(z.any()) });

function parseBbox(text: string | undefined): [number, number, number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[0]! > parts[2]! || parts[1]! > parts[3]!) {
    throw invalid(`Invalid bbox ${text}: expected minLon,minLat,maxLon,maxLat with min <= max`, text, [{ path: 'querystring.bbox', message: 'expected minLon,minLat,maxLon,maxLat' }]);
  }
  return parts as [number, number, number, number];
}

/** Places the rules match stops against: CRUD and file import. */
export async function placeRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;
  const tags = ['places'];

  app.get('/api/places/categories', {
    schema: { tags, summary: 'List the place categories with their Chinese names', response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string() })) }), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'places.read');
    return { items: placeCategories.map((code) => ({ code, name: categoryNames[code] })) };
  });

  app.get('/api/places', {
    schema: {
      tags,
      summary: 'List places',
      description: 'Unit-scoped users see places of no unit and of the units in their scope.',
      querystring: listQuery,
      response: { 200: z.object({ items: z.array(placeOutput), total: z.number() }), ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'places.read');
    const { category, unitId, name, bbox, limit, offset } = request.query;
    return listPlaces(db, { scopeUnitIds: await scopeFilter(store, user), category, unitId, name, bbox: parseBbox(bbox), limit, offset });
  });

  app.get('/api/places/:id', {
    schema: { tags, summary: 'Get a place', params: idParams, response: { 200: placeOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'places.read');
    const row = await getPlaceRow(db, request.params.id);
    if (row.unit_id !== null) await assertInScope(store, request, { kind: 'Place', id: row.id, unitId: row.unit_id });
    return toPlaceView(row);
  });

  app.post('/api/places', {
    schema: { tags, summary: 'Create a place', body: placeInput, response: { 201: placeOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'places.write');
    const place = await createPlace(db, request.body, 'api');
    request.log.info({ placeId: place.id, userId: user.id }, 'place created');
    audit(store, request, AUDIT_ACTIONS.placeCreated, 'place', place.id, { name: place.name, category: place.category, unitId: place.unitId, shape: place.shape.kind });
    return reply.status(201).send(place);
  });

  app.patch('/api/places/:id', {
    schema: { tags, summary: 'Change a place', params: idParams, body: placePatch, response: { 200: placeOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'places.write');
    const patch = Object.fromEntries(Object.entries(request.body).filter(([, value]) => value !== undefined));
    const place = await updatePlace(db, request.params.id, patch);
    request.log.info({ placeId: place.id, userId: user.id }, 'place changed');
    audit(store, request, AUDIT_ACTIONS.placeUpdated, 'place', place.id, { fields: Object.keys(patch) });
    return place;
  });

  app.delete('/api/places/:id', {
    schema: { tags, summary: 'Delete a place that no trip order names', params: idParams, response: { 200: placeOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'places.write');
    const place = await deletePlace(db, request.params.id);
    request.log.info({ placeId: place.id, userId: user.id }, 'place deleted');
    audit(store, request, AUDIT_ACTIONS.placeDeleted, 'place', place.id, { name: place.name, category: place.category, unitId: place.unitId });
    return place;
  });

  app.post('/api/places/import', {
    bodyLimit: importBodyLimit,
    schema: {
      tags,
      summary: 'Import places from a GeoJSON, KML or CSV file (base64)',
      description: 'All or nothing: any bad row stores nothing and the response is 400 GONGCHE_ERR_IMPORT_ROWS with one detail per problem (location, field, value, reason).',
      body: importBody,
      response: { 200: importOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'places.write');
    const { format, contentBase64, unitId, category, radiusM, dryRun } = request.body;
    if (unitId !== null) await assertInScope(store, request, { kind: 'Unit', id: unitId, unitId });
    const parsed = parsePlaceFile(Buffer.from(contentBase64, 'base64'), format, { category, radiusM });
    const result = await importPlaces(db, parsed, { defaultUnitId: unitId, dryRun });
    if (result.errors.length > 0) throw importRowsError(`${format} file`, result.errors);
    if (result.imported) {
      request.log.info({ places: result.places, userId: user.id, format }, 'places imported');
      audit(store, request, AUDIT_ACTIONS.placesImported, 'places', result.ids[0] ?? 0, { format, places: result.places, firstId: result.ids[0], lastId: result.ids.at(-1) });
    }
    return result;
  });

}
