import { z } from 'zod';
import { distanceM } from '../../ingest/geo.ts';
import { localDate } from '../calendar.ts';
import type { AlertDraft, Detector, RuleContext, RuleFix, StopFact } from '../engine/types.ts';
import { draft, stopEvidence, stopRecord, type StopRecord } from './drafts.ts';
import { nextNightDue, nightWindowText, restedNights } from './night-rest.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';
import { fixAtStop, mainPlaceOf, nearestHomePlace, officialCategories, type PlaceMatch } from './stop-places.ts';
import { dayMs } from './time.ts';

const code = 'fixed_to_person';

export const fixedToPersonSettingsSchema = z.strictObject({
  /** A rest covering at least this much of the night window makes its spot the night's rest spot. */
  minNightRestMin: z.number().min(10).max(24 * 60).default(120),
  /** Night rest spots within this distance of each other are the same place (a residential compound, a street). */
  clusterRadiusM: z.number().min(20).max(2_000).default(150),
  /** This many nights at the same spot within periodDays are reported. */
  minNights: z.number().int().min(2).max(120).default(5),
  periodDays: z.number().int().min(2).max(120).default(30),
  /** A rest within this distance of the vehicle's designated parking or an official place of its unit is not counted. */
  designatedMarginM: z.number().min(0).max(500).default(50),
  /** Nights during an approved order (work away from the base) are not counted. */
  ignoreNightsUnderOrder: z.boolean().default(true),
  severity: severitySchema.default('high'),
}).refine((settings) => settings.minNights <= settings.periodDays, { message: 'minNights cannot exceed periodDays', path: ['minNights'] });
export type FixedToPersonSettings = z.infer<typeof fixedToPersonSettingsSchema>;

/** A night's rest spot, compactly: the night's start and a position rounded to about a metre. */
interface NightSpot {
  night: number;
  latitude: number;
  longitude: number;
  placeName: string | null;
}

/** A reported cluster of nights: the merge key's start and the cluster's last night and position. */
interface SpotSeries {
  start: number;
  last: number;
  latitude: number;
  longitude: number;
}

/** A rest outside designated places, with the nights already recorded from it. */
interface NightRest {
  stop: StopRecord;
  place: PlaceMatch | null;
  nights: number[];
  /** Device time before which no new night can qualify, so fixes before it are not evaluated. */
  dueAt: number;
}

export interface FixedToPersonState {
  rest: NightRest | null;
  /** Night rest spots of the last periodDays, oldest first, one per night. */
  spots: NightSpot[];
  series: SpotSeries[];
}

type Result = { state: FixedToPersonState; alerts: AlertDraft[] };

const round = (value: number) => Number(value.toFixed(5));

/** True when the stop is at the vehicle's designated parking or at an official place of its own unit (or of no unit). */
function atDesignated(stop: StopFact, context: RuleContext, settings: FixedToPersonSettings): boolean {
  const home = nearestHomePlace(stop, context);
  if (home && home.outsideM <= settings.designatedMarginM) return true;
  return stop.places.some(({ place, outsideM }) =>
    officialCategories.includes(place.category) && outsideM <= settings.designatedMarginM && (place.unitId === null || place.unitId === context.vehicle.unitId));
}

const near = (a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }, radiusM: number) =>
  distanceM(a.latitude, a.longitude, b.latitude, b.longitude) <= radiusM;

function recordNight(state: FixedToPersonState, rest: NightRest, night: { span: { start: number }; overlap: { end: number } }, context: RuleContext, settings: FixedToPersonSettings): Result {
  const periodMs = settings.periodDays * dayMs;
  const spot: NightSpot = { night: night.span.start, latitude: round(rest.stop.latitude), longitude: round(rest.stop.longitude), placeName: rest.place?.name ?? null };
  const spots = [...state.spots.filter((earlier) => spot.night - earlier.night < periodMs && earlier.night !== spot.night), spot];
  const cluster = spots.filter((earlier) => near(earlier, spot, settings.clusterRadiusM));
  const series = state.series.filter((entry) => spot.night - entry.last <= periodMs);
  if (cluster.length < settings.minNights) return { state: { ...state, spots, series }, alerts: [] };

  const ongoing = series.find((entry) => near(entry, spot, settings.clusterRadiusM));
  const current: SpotSeries = ongoing ? { ...ongoing, last: spot.night } : { start: cluster[0]!.night, last: spot.night, latitude: spot.latitude, longitude: spot.longitude };
  const alert = draft({
    code,
    context,
    subject: `spot:${current.start}`,
    start: current.start,
    end: night.overlap.end,
    severity: settings.severity,
    facts: {
      kind: 'same_night_spot',
      nightCount: cluster.length,
      minNights: settings.minNights,
      periodDays: settings.periodDays,
      clusterRadiusM: settings.clusterRadiusM,
      latitude: current.latitude,
      longitude: current.longitude,
      placeId: rest.place?.id ?? null,
      placeName: rest.place?.name ?? null,
      nightWindow: nightWindowText(context),
      nights: cluster.map((entry) => localDate(entry.night, context.calendar.timeZone)).join(','),
      spreadM: Math.round(Math.max(...cluster.map((entry) => distanceM(entry.latitude, entry.longitude, current.latitude, current.longitude)))),
    },
    evidence: { ...stopEvidence(rest.stop), placeId: rest.place?.id ?? null },
    range: { from: Math.min(current.start, rest.stop.start), to: Math.max(night.overlap.end, rest.stop.end) },
  });
  return { state: { ...state, spots, series: [...series.filter((entry) => entry !== ongoing), current] }, alerts: [alert] };
}

/** Records every night the rest covered enough of, up to `end`, once each. */
function evaluate(state: FixedToPersonState, rest: NightRest, end: number, context: RuleContext, settings: FixedToPersonSettings): Result {
  let next: FixedToPersonState = state.rest === rest ? state : { ...state, rest };
  const alerts: AlertDraft[] = [];
  for (const night of restedNights(rest.stop.start, end, settings.minNightRestMin * 60_000, context)) {
    const current = next.rest!;
    if (current.nights.includes(night.span.start)) continue;
    next = { ...next, rest: { ...current, nights: [...current.nights, night.span.start] } };
    if (settings.ignoreNightsUnderOrder && context.ordersBetween(night.overlap.start, night.overlap.end).length > 0) continue;
    const recorded = recordNight(next, next.rest!, night, context, settings);
    next = recorded.state;
    alerts.push(...recorded.alerts);
  }
  const current = next.rest!;
  const dueAt = nextNightDue(current.stop.start, end, settings.minNightRestMin * 60_000, current.nights, context);
  if (dueAt !== current.dueAt) next = { ...next, rest: { ...current, dueAt } };
  return { state: next, alerts };
}

function onStopStarted(state: FixedToPersonState, stop: StopFact, context: RuleContext, settings: FixedToPersonSettings): Result {
  if (atDesignated(stop, context, settings)) return { state: state.rest ? { ...state, rest: null } : state, alerts: [] };
  return evaluate(state, { stop: stopRecord(stop), place: mainPlaceOf(stop), nights: [], dueAt: stop.start }, stop.end, context, settings);
}

function onFix(state: FixedToPersonState, fix: RuleFix, context: RuleContext, settings: FixedToPersonSettings): Result {
  if (!state.rest || fix.time < state.rest.dueAt || !fixAtStop(state.rest.stop, fix)) return { state, alerts: [] };
  return evaluate(state, state.rest, fix.time, context, settings);
}

function onStopEnded(state: FixedToPersonState, stop: StopFact, context: RuleContext, settings: FixedToPersonSettings): Result {
  const known = state.rest?.stop.start === stop.start ? state.rest : null;
  if (!known && atDesignated(stop, context, settings)) return { state: state.rest ? { ...state, rest: null } : state, alerts: [] };
  const rest = known ? { ...known, stop: stopRecord(stop) } : { stop: stopRecord(stop), place: mainPlaceOf(stop), nights: [], dueAt: stop.start };
  const found = evaluate(state, rest, stop.end, context, settings);
  const next = { ...found.state, rest: null };
  const unchanged = state.rest === null && next.spots === state.spots && next.series === state.series;
  return { state: unchanged ? state : next, alerts: found.alerts };
}

/**
 * Item 7: a vehicle that spends many nights at the same place other than its designated
 * parking, as when a duty vehicle is kept by one person at home. Each night's rest spot (a rest
 * covering enough of the night window) is kept for periodDays. When minNights of them lie within
 * clusterRadiusM of each other, one alert is raised for the cluster, and later nights there
 * merge into it.
 */
export const fixedToPersonDetector: Detector<FixedToPersonState, FixedToPersonSettings> = {
  code,
  defaults: fixedToPersonSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, fixedToPersonSettingsSchema, input),
  initialState: () => ({ rest: null, spots: [], series: [] }),
  update(state, event, context, settings) {
    if (event.type === 'fix') return onFix(state, event.fix, context, settings);
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    return { state, alerts: [] };
  },
};
