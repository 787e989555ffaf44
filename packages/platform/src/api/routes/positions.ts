import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { assertPositionRead } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime, queryBoolean } from '../schemas.ts';
import { readPositions, toGeoJson } from '../positions-query.ts';

const maxSpanDays = 31;
const maxLimit = 50_000;

const instant = (name: string) =>
  z.iso
    .datetime({ offset: true, message: `${name} must be an ISO-8601 time with a zone, e.g. 2024-05-01T00:00:00Z` })
    .transform((text) => Date.parse(text));

const rangeQuery = z
  .object({
    from: instant('from'),
    to: instant('to'),
    format: z.enum(['json', 'geojson']).default('json'),
    includeInvalid: queryBoolean,
    limit: z.coerce.number().int().min(1).max(maxLimit).default(10_000),
  })
  .superRefine((query, ctx) => {
    if (query.to <= query.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' });
    else if (query.to - query.from > maxSpanDays * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `The range from..to may span at most ${maxSpanDays} days; request several ranges` });
    }
  });

const positionItem = z.object({
  id: z.number(),
  time: isoTime.nullable().describe('Device time; null when the terminal sent an invalid time'),
  receivedAt: isoTime,
  latitude: z.number(),
  longitude: z.number(),
  altitudeM: z.number(),
  speedKmh: z.number(),
  course: z.number(),
  acc: z.boolean(),
  fixed: z.boolean(),
  alarm: z.number().describe('JT/T 808 alarm flags'),
  status: z.number().describe('JT/T 808 status flags'),
  batchType: z.number().nullable().describe('null for a live report; 0 or 1 for the batch type of a 0x0704 item'),
  valid: z.boolean(),
  invalidReason: z.string().nullable(),
});

const jsonOutput = z.object({
  vehicleId: z.number(),
  plate: z.string(),
  from: isoTime,
  to: isoTime,
  truncated: z.boolean().describe('true when more positions than limit exist in the range'),
  items: z.array(positionItem),
});

const geoJsonOutput = z.object({
  type: z.literal('FeatureCollection'),
  truncated: z.boolean(),
  features: z.array(z.object({ type: z.literal('Feature'), geometry: z.unknown(), properties: z.record(z.string(), z.unknown()) })),
});

/** Position history of one vehicle as JSON or GeoJSON. */
export async function positionRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  app.get('/api/vehicles/:id/positions', {
    schema: {
      tags: ['positions'],
      summary: 'Positions of a vehicle in a time range',
      description: `Positions with device time in [from, to), ordered by device time. The range may span at most ${maxSpanDays} days. Invalid positions are left out unless includeInvalid=true; positions without a valid device time are then matched by receipt time.`,
      params: idParams,
      querystring: rangeQuery,
      response: { 200: z.union([jsonOutput, geoJsonOutput]), ...errorResponses },
    },
  }, async (request, reply) => {
    const user = currentUser(request);
    const vehicle = await getVehicle(store.db, request.params.id);
    assertPositionRead(user, vehicle);
    const { from, to, includeInvalid, limit, format } = request.query;
    const { items, truncated } = await readPositions(store.db, { vehicleId: vehicle.id, from, to, includeInvalid, limit });
    if (format === 'geojson') {
      reply.type('application/geo+json');
      return toGeoJson(vehicle, items, truncated);
    }
    return { vehicleId: vehicle.id, plate: vehicle.plate, from: new Date(from).toISOString(), to: new Date(to).toISOString(), truncated, items };
  });
}
