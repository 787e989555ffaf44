import { z } from 'zod';
import type { AlertDraft, Detector, RuleContext, TripFact } from '../engine/types.ts';
import { draft, tripEvidence, tripFacts, unique } from './drafts.ts';
import { orderCovers } from './orders.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';

const code = 'long_distance';

export const longDistanceSettingsSchema = z.strictObject({
  /**
   * Straight-line distance from the vehicle's designated parking beyond which a trip is long
   * distance even inside the boundary. Null leaves only the prefecture boundary. From Kashgar
   * city every county seat of the prefecture lies within 230 km (Bachu, the farthest, about
   * 222 km). So 350 km reports no trip to a county seat, yet still catches a journey to Urumqi
   * (about 1,080 km) where no prefecture_boundary place is loaded. The remote south of Taxkorgan
   * and Yecheng counties lies farther than 350 km, so units there should raise it.
   */
  radiusKm: z.number().min(10).max(5_000).nullable().default(350),
  /** An out-of-area order's window widened by this many minutes on both sides still covers a trip. */
  orderToleranceMin: z.number().min(0).max(24 * 60).default(60),
  severity: severitySchema.default('high'),
});
export type LongDistanceSettings = z.infer<typeof longDistanceSettingsSchema>;

/** Consecutive unapproved trips beyond the boundary or radius, reported as one alert. */
interface Excursion {
  start: number;
  end: number;
  tripCount: number;
  distanceM: number;
  maxDistanceFromHomeM: number | null;
  leftBoundary: boolean;
  firstPositionId: number;
  rawFrameIds: number[];
}

export interface LongDistanceState {
  excursion: Excursion | null;
}

function beyondRadius(trip: TripFact, settings: LongDistanceSettings): boolean {
  return settings.radiusKm !== null && trip.maxDistanceFromHomeM !== null && trip.maxDistanceFromHomeM > settings.radiusKm * 1000;
}

function approvedOrder(trip: TripFact, context: RuleContext, settings: LongDistanceSettings) {
  const toleranceMs = settings.orderToleranceMin * 60_000;
  const candidates = trip.order ? [trip.order, ...context.ordersBetween(trip.start, trip.end)] : context.ordersBetween(trip.start, trip.end);
  return candidates.find((order) => order.outOfArea && orderCovers(order, trip.start, trip.end, toleranceMs)) ?? null;
}

function farthest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function extend(excursion: Excursion | null, trip: TripFact): Excursion {
  if (!excursion) {
    return {
      start: trip.start,
      end: trip.end,
      tripCount: 1,
      distanceM: trip.distanceM,
      maxDistanceFromHomeM: trip.maxDistanceFromHomeM,
      leftBoundary: trip.leftBoundary,
      firstPositionId: trip.firstPositionId,
      rawFrameIds: trip.rawFrameIds.slice(0, 4),
    };
  }
  return {
    ...excursion,
    end: trip.end,
    tripCount: excursion.tripCount + 1,
    distanceM: excursion.distanceM + trip.distanceM,
    maxDistanceFromHomeM: farthest(excursion.maxDistanceFromHomeM, trip.maxDistanceFromHomeM),
    leftBoundary: excursion.leftBoundary || trip.leftBoundary,
  };
}

function onTripEnded(state: LongDistanceState, trip: TripFact, context: RuleContext, settings: LongDistanceSettings): { state: LongDistanceState; alerts: AlertDraft[] } {
  const beyond = trip.leftBoundary || beyondRadius(trip, settings);
  if (!beyond) return { state: state.excursion ? { excursion: null } : state, alerts: [] };
  if (approvedOrder(trip, context, settings)) return { state: state.excursion ? { excursion: null } : state, alerts: [] };

  const excursion = extend(state.excursion, trip);
  const alert = draft({
    code,
    context,
    subject: excursion.start,
    start: excursion.start,
    end: excursion.end,
    severity: settings.severity,
    facts: {
      ...tripFacts(trip),
      leftBoundary: excursion.leftBoundary,
      maxDistanceFromHomeM: excursion.maxDistanceFromHomeM === null ? null : Math.round(excursion.maxDistanceFromHomeM),
      radiusM: settings.radiusKm === null ? null : settings.radiusKm * 1000,
      tripCount: excursion.tripCount,
      distanceAllTripsM: Math.round(excursion.distanceM),
    },
    evidence: {
      ...tripEvidence(trip),
      positionIds: unique([excursion.firstPositionId, trip.firstPositionId, trip.lastPositionId]),
      rawFrameIds: unique([...excursion.rawFrameIds, ...trip.rawFrameIds]),
      orderAbsent: true,
    },
  });
  return { state: { excursion }, alerts: [alert] };
}

/**
 * Item 8: a trip that leaves the prefecture boundary or goes beyond radiusKm from the vehicle's
 * designated parking without an approved out-of-area order covering it. Consecutive such trips
 * (a journey with overnight stops) are one alert, and a trip that stays inside both ends it.
 */
export const longDistanceDetector: Detector<LongDistanceState, LongDistanceSettings> = {
  code,
  defaults: longDistanceSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, longDistanceSettingsSchema, input),
  initialState: () => ({ excursion: null }),
  update(state, event, context, settings) {
    if (event.type === 'trip_ended') return onTripEnded(state, event.trip, context, settings);
    return { state, alerts: [] };
  },
};
