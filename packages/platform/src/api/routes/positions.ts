import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { AppError } from '../../errors.ts';
import { assertCapability, assertInScope, auditLeadershipView, isLeadershipVehicle, isLiveLeadershipViewer, positionFilter, statedReason, type PositionView } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses, idParams, isoTime, queryBoolean, queryInstant } from '../schemas.ts';
import { readPositions, toGeoJson } from '../positions-query.ts';

const maxSpanDays = 31;
const maxLimit = 50_000;


const rangeQuery = z
  .object({
    from: queryInstant('from'),
    to: queryInstant('to'),
    format: z.enum(['json', 'geojson']).default('json'),
    includeInvalid: queryBoolean,
    limit: z.coerce.number().int().min(1).max(maxLimit).default(10_000),
    reason: z.string().max(200).optional().describe('Stated reason; required from live viewers of leadership vehicles and recorded in the audit log'),
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

const accessOutput = {
  positionAccess: z.enum(['live', 'delayed', 'none']).describe('live; delayed: positions from positionsBefore on are withheld; none: every position is withheld'),
  positionsBefore: isoTime.nullable(),
};

const jsonOutput = z.object({
  vehicleId: z.number(),
  plate: z.string(),
  ...accessOutput,
  from: isoTime,
  to: isoTime,
  truncated: z.boolean().describe('true when more positions than limit exist in the range'),
  items: z.array(positionItem),
});

const geoJsonOutput = z.object({
  type: z.literal('FeatureCollection'),
  truncated: z.boolean(),
  ...accessOutput,
  features: z.array(z.object({ type: z.literal('Feature'), geometry: z.unknown(), properties: z.record(z.string(), z.unknown()) })),
});

const reasonRequired = () =>
  new AppError('GONGCHE_ERR_REASON_REQUIRED', 400, 'Reading a leadership vehicle\'s positions live needs a stated reason: send the query parameter reason', {
    details: [{ path: 'querystring.reason', message: 'required for leadership vehicles' }],
  });

/** Returns the end of the range the view allows: `to`, or the delay cutoff when earlier; null when nothing may be read. */
function visibleUntil(view: PositionView, to: number): number | null {
  if (view.kind === 'none') return null;
  return view.kind === 'delayed' ? Math.min(to, view.before) : to;
}

/** Position history of one vehicle as JSON or GeoJSON, within the user's unit scope and view of leadership vehicles. */
export async function positionRoutes(app: ZodApp, { store, config }: ApiOptions): Promise<void> {
  const settings = config.leadershipVehicles;
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
    assertCapability(user, 'positions.read');
    const vehicle = await getVehicle(store.db, request.params.id);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    const reason = statedReason(request.query.reason, settings);
    const leadership = isLeadershipVehicle(vehicle);
    if (leadership && reason === null && isLiveLeadershipViewer(user, settings)) throw reasonRequired();

    const view = (await positionFilter(store.db, user, settings, reason))(vehicle) ?? { kind: 'none' };
    const { from, to, includeInvalid, limit, format } = request.query;
    const until = visibleUntil(view, to);
    const { items, truncated } = until === null || until <= from
      ? { items: [], truncated: false }
      : await readPositions(store, { vehicleId: vehicle.id, from, to: until, includeInvalid, limit });
    const access = { positionAccess: view.kind, positionsBefore: view.kind === 'delayed' ? new Date(view.before).toISOString() : null };
    if (leadership) {
      auditLeadershipView(store, request, vehicle.id, { reason, view: view.kind, from: new Date(from).toISOString(), to: new Date(to).toISOString(), count: items.length });
    }
    appendAudit(store, {
      actor: requestActor(request),
      action: AUDIT_ACTIONS.positionsRead,
      objectType: 'vehicle',
      objectId: vehicle.id,
      detail: { vehicleId: vehicle.id, plate: vehicle.plate, from: new Date(from).toISOString(), to: new Date(to).toISOString(), format, includeInvalid, count: items.length, truncated },
    });
    if (format === 'geojson') {
      reply.type('application/geo+json');
      return { ...toGeoJson(vehicle, items, truncated), ...access };
    }
    return { vehicleId: vehicle.id, plate: vehicle.plate, ...access, from: new Date(from).toISOString(), to: new Date(to).toISOString(), truncated, items };
  });
}
