import { z } from 'zod';
import { localDate } from '../calendar.ts';
import type { AlertDraft, Detector, RuleContext, RuleFix, StopFact, TripFact } from '../engine/types.ts';
import { draft, stopEvidence, stopFacts, stopRecord, tripEvidence, tripFacts, unique, type StopRecord } from './drafts.ts';
import { continueSeries, type Series } from './series.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';
import { fixAtStop, nearestHomePlace, orderWithDestinationAt, placeMatch, type PlaceMatch } from './stop-places.ts';
import { dayMs } from './time.ts';

const code = 'lending';

export const lendingSettingsSchema = z.strictObject({
  /** Report a trip whose driver identity report names an IC card not registered to the vehicle's unit. */
  checkDriverCards: z.boolean().default(true),
  driverCardSeverity: severitySchema.default('high'),
  /** A rest at least this long at another unit's parking place counts towards a lending series. */
  otherUnitRestMin: z.number().min(10).max(7 * 24 * 60).default(60),
  /** Rests at the same other unit's parking on this many different days within otherUnitPeriodDays are reported. */
  otherUnitRestDays: z.number().int().min(1).max(60).default(3),
  otherUnitPeriodDays: z.number().int().min(1).max(120).default(30),
  /** A stop this close to the vehicle's own designated parking is at home, even where another unit's parking overlaps it. */
  homeMarginM: z.number().min(0).max(500).default(50),
  otherUnitSeverity: severitySchema.default('medium'),
  /** Report trips that no approved order covers (非调度用车). A template for vehicles used without orders turns this off. */
  requireOrders: z.boolean().default(true),
  /** Trips shorter than this (moving the car within a compound) are not checked for an order. */
  noOrderMinDistanceM: z.number().min(0).max(100_000).default(1_000),
  /** Vehicles on the approved duty roster need no order on that day. */
  exemptDutyRoster: z.boolean().default(true),
  noOrderSeverity: severitySchema.default('low'),
  /** A stop within a destination's radius plus this margin is at that destination of an order. */
  destinationMarginM: z.number().min(0).max(500).default(50),
});
export type LendingSettings = z.infer<typeof lendingSettingsSchema>;

/** A rest at another unit's parking place. */
interface OtherUnitRest {
  stop: StopRecord;
  place: PlaceMatch;
  otherUnitId: number;
  counted: boolean;
}

/** One counted rest: its start, local date and the other unit. */
interface CountedRest {
  start: number;
  date: string;
  unitId: number;
  placeId: number;
  placeName: string;
}

export interface LendingState {
  rest: OtherUnitRest | null;
  /** Counted rests within the last otherUnitPeriodDays. */
  rests: CountedRest[];
  /** The reported series per other unit, keyed by unit id. */
  series: Record<string, Series>;
}

type Result = { state: LendingState; alerts: AlertDraft[] };

// Trips: driver cards and orders.

function driverCardAlert(trip: TripFact, context: RuleContext, settings: LendingSettings): AlertDraft | null {
  if (!settings.checkDriverCards) return null;
  const cards = [...new Set(trip.driverCards)];
  const unregistered = cards.filter((card) => !context.unitDriverCards.has(card));
  if (unregistered.length === 0) return null;
  return draft({
    code,
    context,
    subject: `driver:${trip.start}`,
    start: trip.start,
    end: trip.end,
    severity: settings.driverCardSeverity,
    facts: {
      ...tripFacts(trip),
      kind: 'unregistered_driver',
      driverCards: cards.join(','),
      unregisteredCards: unregistered.join(','),
      registeredCardCount: context.unitDriverCards.size,
    },
    evidence: tripEvidence(trip),
  });
}

function noOrderAlert(trip: TripFact, context: RuleContext, settings: LendingSettings): AlertDraft | null {
  if (!settings.requireOrders || trip.verdict !== 'no_order' || trip.distanceM < settings.noOrderMinDistanceM) return null;
  if (settings.exemptDutyRoster && (context.onDutyRoster(trip.start) || context.onDutyRoster(trip.end))) return null;
  return draft({
    code,
    context,
    subject: `no_order:${trip.start}`,
    start: trip.start,
    end: trip.end,
    severity: settings.noOrderSeverity,
    facts: { ...tripFacts(trip), kind: 'no_order' },
    evidence: { ...tripEvidence(trip), orderAbsent: true },
  });
}

function onTripEnded(state: LendingState, trip: TripFact, context: RuleContext, settings: LendingSettings): Result {
  const alerts = [driverCardAlert(trip, context, settings), noOrderAlert(trip, context, settings)].filter((alert) => alert !== null);
  return { state, alerts };
}

// Rests at another unit's parking place.

function otherUnitRestOf(stop: StopFact, context: RuleContext, settings: LendingSettings): OtherUnitRest | null {
  const own = nearestHomePlace(stop, context);
  if (own && own.outsideM <= settings.homeMarginM) return null;
  let best: { place: PlaceMatch; unitId: number } | null = null;
  for (const { place, outsideM } of stop.places) {
    if (place.category !== 'other_unit_parking' || place.unitId === null || place.unitId === context.vehicle.unitId) continue;
    if (best && outsideM >= best.place.outsideM) continue;
    best = { place: placeMatch(place, outsideM), unitId: place.unitId };
  }
  return best ? { stop: stopRecord(stop), place: best.place, otherUnitId: best.unitId, counted: false } : null;
}

/** Drops the series whose latest rest is more than a period old: a later rest starts a new one anyway. */
function recentSeries(series: Record<string, Series>, at: number, periodMs: number): Record<string, Series> {
  return Object.fromEntries(Object.entries(series).filter(([, entry]) => at - entry.last <= periodMs));
}

/** Counts the rest once it lasted otherUnitRestMin, unless an order names the place, and reports a series once enough days add up. */
function countRest(state: LendingState, rest: OtherUnitRest, end: number, context: RuleContext, settings: LendingSettings): Result {
  if (rest.counted || end - rest.stop.start < settings.otherUnitRestMin * 60_000) return { state, alerts: [] };
  const counted = { ...rest, counted: true };
  if (orderWithDestinationAt(rest.stop, context.ordersBetween(rest.stop.start, end), settings.destinationMarginM)) {
    return { state: { ...state, rest: counted }, alerts: [] };
  }

  const periodMs = settings.otherUnitPeriodDays * dayMs;
  const entry: CountedRest = { start: rest.stop.start, date: localDate(rest.stop.start, context.calendar.timeZone), unitId: rest.otherUnitId, placeId: rest.place.id, placeName: rest.place.name };
  const rests = [...state.rests.filter((earlier) => rest.stop.start - earlier.start < periodMs), entry];
  const atUnit = rests.filter((earlier) => earlier.unitId === rest.otherUnitId);
  const days = new Set(atUnit.map((earlier) => earlier.date));
  if (days.size < settings.otherUnitRestDays) return { state: { ...state, rest: counted, rests }, alerts: [] };

  const unitKey = String(rest.otherUnitId);
  const series = continueSeries(state.series[unitKey] ?? null, atUnit[0]!.start, rest.stop.start, periodMs);
  const alert = draft({
    code,
    context,
    subject: `other_unit:${rest.otherUnitId}:${series.start}`,
    start: series.start,
    end,
    severity: settings.otherUnitSeverity,
    facts: {
      ...stopFacts(rest.stop, end),
      kind: 'other_unit_parking',
      otherUnitId: rest.otherUnitId,
      placeId: rest.place.id,
      placeName: rest.place.name,
      outsideM: rest.place.outsideM,
      restDays: days.size,
      periodDays: settings.otherUnitPeriodDays,
      minRestS: settings.otherUnitRestMin * 60,
      dates: [...days].join(','),
    },
    evidence: { ...stopEvidence(rest.stop), placeId: rest.place.id },
  });
  return { state: { ...state, rest: counted, rests, series: { ...recentSeries(state.series, rest.stop.start, periodMs), [unitKey]: series } }, alerts: [alert] };
}

function onStopStarted(state: LendingState, stop: StopFact, context: RuleContext, settings: LendingSettings): Result {
  const rest = otherUnitRestOf(stop, context, settings);
  if (!rest) return { state: state.rest ? { ...state, rest: null } : state, alerts: [] };
  return countRest({ ...state, rest }, rest, stop.end, context, settings);
}

function onFix(state: LendingState, fix: RuleFix, context: RuleContext, settings: LendingSettings): Result {
  const rest = state.rest;
  if (!rest || rest.counted || !fixAtStop(rest.stop, fix)) return { state, alerts: [] };
  return countRest(state, rest, fix.time, context, settings);
}

function onStopEnded(state: LendingState, stop: StopFact, context: RuleContext, settings: LendingSettings): Result {
  const known = state.rest?.stop.start === stop.start ? state.rest : null;
  const cleared = state.rest ? { ...state, rest: null } : state;
  if (known?.counted) return { state: cleared, alerts: [] };
  const rest = known ?? otherUnitRestOf(stop, context, settings);
  if (!rest) return { state: cleared, alerts: [] };
  const found = countRest(cleared, rest, stop.end, context, settings);
  return { state: found.state.rest ? { ...found.state, rest: null } : found.state, alerts: found.alerts };
}

/**
 * Item 5: signs that a vehicle is lent out or used by others. A trip whose driver identity
 * report names an IC card not registered to the vehicle's unit is one. Rests at the same other
 * unit's parking place on several days of a period are another, with one alert per series.
 * Where the template requires orders, a trip that no approved order covers is the third.
 */
export const lendingDetector: Detector<LendingState, LendingSettings> = {
  code,
  defaults: lendingSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, lendingSettingsSchema, input),
  initialState: () => ({ rest: null, rests: [], series: {} }),
  update(state, event, context, settings) {
    if (event.type === 'trip_ended') return onTripEnded(state, event.trip, context, settings);
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'fix') return onFix(state, event.fix, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    return { state, alerts: [] };
  },
};
