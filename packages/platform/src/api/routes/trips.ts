import { z } from 'zod';
import type { Selectable } from 'kysely';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { TripTable } from '../../store/schema-rule-engine.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { assertCapability, assertInScope, positionFilter, statedReason, unitScope, type PositionView } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime, queryInstant } from '../schemas.ts';
import { verdictReasons } from '../../rules/engine/verdict.ts';

const tags = ['trips'];
const verdicts = ['covered', 'no_order', 'outside_window', 'off_destinations', 'wrong_driver', 'out_of_area_unapproved'] as const;
const maxSpanDays = 93;


const rangeQuery = z
  .object({
    from: queryInstant('from'),
    to: queryInstant('to'),
    verdict: z.enum(verdicts).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
    reason: z.string().max(200).optional().describe('Stated reason for seeing leadership vehicles\' trips live; as for positions'),
  })
  .superRefine((query, ctx) => {
    if (query.to <= query.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be later than from' });
    else if (query.to - query.from > maxSpanDays * 86_400_000) ctx.addIssue({ code: 'custom', path: ['to'], message: `The range from..to may span at most ${maxSpanDays} days; request several ranges` });
  });

const listQuery = z.intersection(rangeQuery, z.object({ unitId: z.coerce.number().int().positive().optional() }));

const end = z.object({ latitude: z.number().nullable(), longitude: z.number().nullable(), placeIds: z.array(z.number()) });

const tripOutput = z.object({
  id: z.number(),
  vehicleId: z.number(),
  unitId: z.number(),
  start: isoTime,
  end: isoTime,
  distanceM: z.number(),
  maxDistanceFromHomeM: z.number().nullable(),
  leftBoundary: z.boolean().describe('A fix of the trip lay outside the prefecture boundary'),
  from: end.describe('The stop the trip left (null coordinates at the start of the history)'),
  to: end,
  orderId: z.number().nullable(),
  verdict: z.enum(verdicts),
  reasonCode: z.string().describe(`One of ${Object.keys(verdictReasons).join(', ')}`),
  driverCards: z.array(z.string()),
  late: z.boolean().describe('Found on positions uploaded late (blind-area batches)'),
  firstPositionId: z.number(),
  lastPositionId: z.number(),
  rawFrameIds: z.array(z.number()),
});

const listOutput = z.object({ items: z.array(tripOutput), truncated: z.boolean() });

function toTrip(row: Selectable<TripTable>): z.infer<typeof tripOutput> {
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    unitId: row.unit_id,
    start: new Date(row.start_time).toISOString(),
    end: new Date(row.end_time).toISOString(),
    distanceM: row.distance_m,
    maxDistanceFromHomeM: row.max_distance_from_home_m,
    leftBoundary: row.left_boundary === 1,
    from: { latitude: row.from_latitude, longitude: row.from_longitude, placeIds: JSON.parse(row.from_place_ids) as number[] },
    to: { latitude: row.to_latitude, longitude: row.to_longitude, placeIds: JSON.parse(row.to_place_ids) as number[] },
    orderId: row.order_id,
    verdict: row.verdict as (typeof verdicts)[number],
    reasonCode: row.reason_code,
    driverCards: JSON.parse(row.driver_cards) as string[],
    late: row.late === 1,
    firstPositionId: row.first_position_id,
    lastPositionId: row.last_position_id,
    rawFrameIds: JSON.parse(row.raw_frame_ids) as number[],
  };
}

/** A trip reveals where a vehicle went, so it is seen as its positions are: not at all, or only once it ended before the delay cutoff. */
const tripVisible = (view: PositionView | null, row: Selectable<TripTable>) =>
  view !== null && view.kind !== 'none' && (view.kind === 'live' || row.end_time < view.before);

/** Trips with their verdicts against trip orders, within the user's unit scope. */
export async function tripRoutes(app: ZodApp, { store, config }: ApiOptions): Promise<void> {
  const { db } = store;
  const settings = config.leadershipVehicles;

  app.get('/api/vehicles/:id/trips', {
    schema: {
      tags,
      summary: 'Trips of a vehicle with their verdicts',
      description: 'Trips that start in [from, to), by start time. Leadership vehicles\' trips are seen as their positions are.',
      params: idParams,
      querystring: rangeQuery,
      response: { 200: listOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'positions.read');
    const vehicle = await getVehicle(db, request.params.id);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    const view = (await positionFilter(db, user, settings, statedReason(request.query.reason, settings)))(vehicle);
    const { from, to, verdict, limit } = request.query;
    let query = db.selectFrom('trips').selectAll().where('vehicle_id', '=', vehicle.id).where('start_time', '>=', from).where('start_time', '<', to);
    if (verdict) query = query.where('verdict', '=', verdict);
    const rows = (await query.orderBy('start_time').limit(limit + 1).execute()).filter((row) => tripVisible(view, row));
    return { items: rows.slice(0, limit).map(toTrip), truncated: rows.length > limit };
  });

  app.get('/api/trips', {
    schema: {
      tags,
      summary: 'Trips of the vehicles in the user\'s scope',
      description: 'Trips that start in [from, to), by start time, optionally of one unit or with one verdict.',
      querystring: listQuery,
      response: { 200: listOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'positions.read');
    const scope = await unitScope(db, user);
    const filter = await positionFilter(db, user, settings, statedReason(request.query.reason, settings));
    const { from, to, verdict, limit, unitId } = request.query;
    let query = db
      .selectFrom('trips')
      .innerJoin('vehicles', 'vehicles.id', 'trips.vehicle_id')
      .selectAll('trips')
      .select(['vehicles.usage_nature'])
      .where('trips.start_time', '>=', from)
      .where('trips.start_time', '<', to);
    if (!scope.all) query = query.where('trips.unit_id', 'in', scope.unitIds.length > 0 ? [...scope.unitIds] : [-1]);
    if (unitId !== undefined) query = query.where('trips.unit_id', '=', unitId);
    if (verdict) query = query.where('trips.verdict', '=', verdict);
    const rows = (await query.orderBy('trips.start_time').orderBy('trips.id').limit(limit + 1).execute()).filter((row) =>
      tripVisible(filter({ unitId: row.unit_id, usageNature: row.usage_nature }), row),
    );
    return { items: rows.slice(0, limit).map(toTrip), truncated: rows.length > limit };
  });
}
