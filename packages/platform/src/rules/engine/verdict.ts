import { distanceM } from '../../ingest/geo.ts';
import type { Place } from '../places.ts';
import { officialCategories } from './stop-places.ts';
import type { StopFact, TripOrderFact, TripVerdict } from './types.ts';

/** Stable reason codes of trip verdicts, stored with each trip. */
export const verdictReasons = {
  order_covers_trip: 'covered',
  no_approved_order: 'no_order',
  started_before_window: 'outside_window',
  ended_after_window: 'outside_window',
  driver_not_registered: 'wrong_driver',
  left_prefecture_without_approval: 'out_of_area_unapproved',
  ended_off_destinations: 'off_destinations',
} as const satisfies Record<string, TripVerdict>;
export type VerdictReason = keyof typeof verdictReasons;

export interface VerdictInput {
  start: number;
  end: number;
  leftBoundary: boolean;
  toStop: StopFact;
  driverCards: readonly string[];
}

export interface VerdictContext {
  /** Approved orders of the vehicle within orderSearchMs of the trip. */
  orders: readonly TripOrderFact[];
  unitDriverCards: ReadonlySet<string>;
  homePlaces: readonly Place[];
  graceMs: number;
}

export interface Verdict {
  verdict: TripVerdict;
  reason: VerdictReason;
  order: TripOrderFact | null;
}

const overlapMs = (order: TripOrderFact, trip: VerdictInput) => Math.min(order.end, trip.end) - Math.max(order.start, trip.start);

/** Orders this far before or after a trip still count as its orders, so that a trip at another time of the day is judged outside the window, not without an order. */
export const orderSearchMs = 12 * 3_600_000;

/** Returns the order that covers the trip best: the largest overlap (negative: the smallest gap), then the lowest id. */
function bestOrder(trip: VerdictInput, orders: readonly TripOrderFact[]): TripOrderFact | null {
  const candidates = orders.filter((o) => o.start - orderSearchMs <= trip.end && o.end + orderSearchMs >= trip.start);
  candidates.sort((a, b) => overlapMs(b, trip) - overlapMs(a, trip) || a.id - b.id);
  return candidates[0] ?? null;
}

/**
 * Returns true when the trip ends at one of the order's destinations, or back at an official place
 * (the unit's parking, a government office). Each trip of an order is judged on its own end, so an
 * order's destinations may be visited in any order.
 */
function endsAtDestination(trip: VerdictInput, order: TripOrderFact, homePlaces: readonly Place[]): boolean {
  if (order.destinations.length === 0) return true;
  const { toStop } = trip;
  const placeIds = new Set(toStop.places.map((m) => m.place.id));
  const atDestination = order.destinations.some(
    (d) => (d.placeId !== null && placeIds.has(d.placeId)) || distanceM(toStop.latitude, toStop.longitude, d.latitude, d.longitude) <= d.radiusM,
  );
  if (atDestination) return true;
  const homeIds = new Set(homePlaces.map((p) => p.id));
  return toStop.places.some((m) => homeIds.has(m.place.id) || officialCategories.has(m.place.category));
}

/**
 * Judges a trip against the vehicle's approved orders. Checks run from the most basic to the most
 * specific, and the first failure is the verdict. They are: no order within 12 hours, then the
 * time window of the order closest to the trip (with graceMs either side),
 * then a driver card not registered to the unit, then leaving the prefecture without out-of-area
 * approval, then ending off the order's destinations.
 */
export function tripVerdict(trip: VerdictInput, context: VerdictContext): Verdict {
  const order = bestOrder(trip, context.orders);
  if (!order) return { verdict: 'no_order', reason: 'no_approved_order', order: null };
  const judged = (reason: VerdictReason): Verdict => ({ verdict: verdictReasons[reason], reason, order });
  if (trip.start < order.start - context.graceMs) return judged('started_before_window');
  if (trip.end > order.end + context.graceMs) return judged('ended_after_window');
  if (trip.driverCards.length > 0 && !trip.driverCards.some((card) => context.unitDriverCards.has(card))) return judged('driver_not_registered');
  if (trip.leftBoundary && !order.outOfArea) return judged('left_prefecture_without_approval');
  if (!endsAtDestination(trip, order, context.homePlaces)) return judged('ended_off_destinations');
  return judged('order_covers_trip');
}
