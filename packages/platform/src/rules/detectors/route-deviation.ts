import { z } from 'zod';
import { distanceM } from '../../ingest/geo.ts';
import type { AlertDraft, Detector, OrderDestination, RuleContext, RuleFix, StopFact, TripFact, TripOrderFact } from '../engine/types.ts';
import type { GeoPoint } from '../places.ts';
import { draft, stopEvidence, stopFacts, stopRecord, unique, type StopRecord } from './drafts.ts';
import { shortestPathM } from './route.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';
import { atDestination, fixAtStop, mainPlaceOf, nearestHomePlace, officialPlaceAt, siteOf, type PlaceMatch } from './stop-places.ts';
import { hourMs } from './time.ts';

const code = 'route_deviation';

export const routeDeviationSettingsSchema = z.strictObject({
  /** A stop off the order's destinations at least this long is reported. Shorter stops (traffic, fuel) are not. */
  offDestinationMinDwellMin: z.number().min(1).max(24 * 60).default(10),
  /** A stop within a destination's radius plus this margin is at that destination. */
  destinationMarginM: z.number().min(0).max(2_000).default(100),
  /** An official place (government office, designated parking) within this distance is never off route. */
  officialMarginM: z.number().min(0).max(200).default(50),
  /** Distance driven divided by the straight-line shortest route over the destinations. A run above this ratio is a detour. */
  maxDetourRatio: z.number().min(1.1).max(10).default(2),
  /** A detour must also add at least this much distance, so that short trips through one-way streets pass. */
  minExcessKm: z.number().min(0).max(1_000).default(5),
  /** A vehicle within this distance of its designated parking has returned, which ends the order's run. */
  homeMarginM: z.number().min(0).max(500).default(50),
  severity: severitySchema.default('medium'),
});
export type RouteDeviationSettings = z.infer<typeof routeDeviationSettingsSchema>;

/** A stop during an order that is not at any of its destinations nor at an official place. */
interface OffRouteStop {
  stop: StopRecord;
  place: PlaceMatch | null;
  orderId: number;
  destinations: string;
  nearestDestinationM: number;
  decided: boolean;
}

/** The trips driven under one order since the vehicle left, until it returns or the order ends. */
interface OrderRun {
  orderId: number;
  orderEnd: number;
  destinations: { latitude: number; longitude: number }[];
  start: number;
  end: number;
  from: GeoPoint | null;
  to: GeoPoint;
  distanceM: number;
  tripCount: number;
  /** Indexes of destinations the run's stops were at. */
  visited: number[];
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
  tripId: number | null;
}

export interface RouteDeviationState {
  offRoute: OffRouteStop | null;
  run: OrderRun | null;
}

type Result = { state: RouteDeviationState; alerts: AlertDraft[] };

/** A run still open this long after its order's window ended is evaluated. */
const runGraceMs = 2 * hourMs;

const point = (place: GeoPoint) => ({ latitude: place.latitude, longitude: place.longitude });

// Stops off the order's destinations.

function ordersAt(instant: number, context: RuleContext): TripOrderFact[] {
  return context.ordersBetween(instant, instant).filter((order) => order.start <= instant && instant <= order.end);
}

function offRouteStopOf(stop: StopFact, context: RuleContext, settings: RouteDeviationSettings): OffRouteStop | null {
  const orders = ordersAt(stop.start, context);
  if (orders.length === 0) return null;
  if (officialPlaceAt(stop, context, settings.officialMarginM)) return null;
  const destinations = orders.flatMap((order) => order.destinations);
  const site = siteOf(stop);
  if (destinations.some((destination) => atDestination(site, destination, settings.destinationMarginM))) return null;
  const nearest = Math.min(...destinations.map((d: OrderDestination) => Math.max(0, distanceM(stop.latitude, stop.longitude, d.latitude, d.longitude) - d.radiusM)));
  return {
    stop: stopRecord(stop),
    place: mainPlaceOf(stop),
    orderId: orders[0]!.id,
    destinations: destinations.map((d) => d.name).join('、'),
    nearestDestinationM: Number.isFinite(nearest) ? Math.round(nearest) : -1,
    decided: false,
  };
}

function offRouteAlert(off: OffRouteStop, end: number, context: RuleContext, settings: RouteDeviationSettings): AlertDraft | null {
  if (end - off.stop.start < settings.offDestinationMinDwellMin * 60_000) return null;
  return draft({
    code,
    context,
    subject: `stop:${off.stop.start}`,
    start: off.stop.start,
    end,
    severity: settings.severity,
    facts: {
      ...stopFacts(off.stop, end),
      kind: 'off_destination_stop',
      minDwellS: settings.offDestinationMinDwellMin * 60,
      orderId: off.orderId,
      orderDestinations: off.destinations,
      nearestDestinationM: off.nearestDestinationM < 0 ? null : off.nearestDestinationM,
      placeId: off.place?.id ?? null,
      placeName: off.place?.name ?? null,
    },
    evidence: { ...stopEvidence(off.stop), placeId: off.place?.id ?? null, tripOrderId: off.orderId },
  });
}

function onStopStarted(state: RouteDeviationState, stop: StopFact, context: RuleContext, settings: RouteDeviationSettings): Result {
  const off = offRouteStopOf(stop, context, settings);
  if (!off) return { state: state.offRoute ? { ...state, offRoute: null } : state, alerts: [] };
  const alert = offRouteAlert(off, stop.end, context, settings);
  return { state: { ...state, offRoute: { ...off, decided: alert !== null } }, alerts: alert ? [alert] : [] };
}

function onStopEnded(state: RouteDeviationState, stop: StopFact, context: RuleContext, settings: RouteDeviationSettings): Result {
  const known = state.offRoute?.stop.start === stop.start ? state.offRoute : null;
  const next = state.offRoute ? { ...state, offRoute: null } : state;
  const off = known ? { ...known, stop: stopRecord(stop) } : offRouteStopOf(stop, context, settings);
  const alert = off ? offRouteAlert(off, stop.end, context, settings) : null;
  return { state: next, alerts: alert ? [alert] : [] };
}

// Detours: the distance driven under an order against the shortest route over its destinations.

function runAlert(run: OrderRun, context: RuleContext, settings: RouteDeviationSettings): AlertDraft | null {
  if (!run.from || run.destinations.length === 0) return null;
  const via = run.visited.length > 0 ? run.visited.map((i) => run.destinations[i]!) : run.destinations;
  const shortestM = shortestPathM(run.from, via, run.to);
  const ratio = run.distanceM / Math.max(shortestM, 1);
  if (ratio <= settings.maxDetourRatio || run.distanceM - shortestM < settings.minExcessKm * 1000) return null;
  return draft({
    code,
    context,
    subject: `run:${run.start}`,
    start: run.start,
    end: run.end,
    severity: settings.severity,
    facts: {
      kind: 'detour',
      orderId: run.orderId,
      durationS: Math.round((run.end - run.start) / 1000),
      distanceM: Math.round(run.distanceM),
      shortestRouteM: Math.round(shortestM),
      excessM: Math.round(run.distanceM - shortestM),
      detourRatio: Number(ratio.toFixed(2)),
      maxDetourRatio: settings.maxDetourRatio,
      tripCount: run.tripCount,
      destinationCount: run.destinations.length,
      destinationsVisited: run.visited.length,
    },
    evidence: {
      positionIds: unique([run.firstPositionId, run.lastPositionId]),
      rawFrameIds: run.rawFrameIds,
      tripOrderId: run.orderId,
      tripId: run.tripId,
    },
  });
}

function visitedBy(stop: StopFact, destinations: readonly OrderDestination[], settings: RouteDeviationSettings): number[] {
  const site = siteOf(stop);
  return destinations.flatMap((destination, i) => (atDestination(site, destination, settings.destinationMarginM) ? [i] : []));
}

function extendRun(run: OrderRun | null, trip: TripFact, order: TripOrderFact, settings: RouteDeviationSettings): OrderRun {
  const visited = visitedBy(trip.toStop, order.destinations, settings);
  if (run) {
    return {
      ...run,
      end: trip.end,
      to: point(trip.toStop),
      distanceM: run.distanceM + trip.distanceM,
      tripCount: run.tripCount + 1,
      visited: unique([...run.visited, ...visited]),
      lastPositionId: trip.lastPositionId,
      tripId: trip.tripId,
    };
  }
  return {
    orderId: order.id,
    orderEnd: order.end,
    destinations: order.destinations.map(point),
    start: trip.start,
    end: trip.end,
    from: trip.fromStop ? point(trip.fromStop) : null,
    to: point(trip.toStop),
    distanceM: trip.distanceM,
    tripCount: 1,
    visited,
    firstPositionId: trip.firstPositionId,
    lastPositionId: trip.lastPositionId,
    rawFrameIds: trip.rawFrameIds.slice(0, 4),
    tripId: trip.tripId,
  };
}

function onTripEnded(state: RouteDeviationState, trip: TripFact, context: RuleContext, settings: RouteDeviationSettings): Result {
  const alerts: AlertDraft[] = [];
  let run = state.run;
  if (run && run.orderId !== trip.order?.id) {
    const alert = runAlert(run, context, settings);
    if (alert) alerts.push(alert);
    run = null;
  }
  if (!trip.order) return { state: run === state.run ? state : { ...state, run }, alerts };

  run = extendRun(run, trip, trip.order, settings);
  const home = nearestHomePlace(trip.toStop, context);
  if (home && home.outsideM <= settings.homeMarginM) {
    const alert = runAlert(run, context, settings);
    if (alert) alerts.push(alert);
    run = null;
  }
  return { state: { ...state, run }, alerts };
}

/** Evaluates a run left open long after its order's window ended (the vehicle never came back to its parking). */
function closeStaleRun(state: RouteDeviationState, at: number, context: RuleContext, settings: RouteDeviationSettings): Result {
  if (!state.run || at <= state.run.orderEnd + runGraceMs) return { state, alerts: [] };
  const alert = runAlert(state.run, context, settings);
  return { state: { ...state, run: null }, alerts: alert ? [alert] : [] };
}

function onFix(state: RouteDeviationState, fix: RuleFix, context: RuleContext, settings: RouteDeviationSettings): Result {
  const closed = closeStaleRun(state, fix.time, context, settings);
  const off = closed.state.offRoute;
  if (!off || off.decided || !fixAtStop(off.stop, fix)) return closed;
  const alert = offRouteAlert(off, fix.time, context, settings);
  if (!alert) return closed;
  return { state: { ...closed.state, offRoute: { ...off, decided: true } }, alerts: [...closed.alerts, alert] };
}

/**
 * Item 6: leaving an order's route for private matters. A stop during an approved order that is
 * at none of its destinations and at no official place is reported once it lasts the dwell.
 * The trips driven under one order, from leaving until returning to designated parking, form a
 * run. A run is a detour when it drives more than maxDetourRatio times the shortest straight-line
 * route over the destinations it visited (in any order), and at least minExcessKm more.
 */
export const routeDeviationDetector: Detector<RouteDeviationState, RouteDeviationSettings> = {
  code,
  defaults: routeDeviationSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, routeDeviationSettingsSchema, input),
  initialState: () => ({ offRoute: null, run: null }),
  update(state, event, context, settings) {
    if (event.type === 'fix') return onFix(state, event.fix, context, settings);
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    if (event.type === 'trip_ended') return onTripEnded(state, event.trip, context, settings);
    return closeStaleRun(state, event.at, context, settings);
  },
};
