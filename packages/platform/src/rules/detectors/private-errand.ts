import { z } from 'zod';
import type { AlertDraft, Detector, RuleContext, RuleFix, StopFact, TripFact } from '../engine/types.ts';
import type { Place } from '../places.ts';
import { draft, stopEvidence, stopFacts, stopRecord, tripEvidence, tripFacts, unique, type StopRecord } from './drafts.ts';
import { continueSeries, type Series } from './series.ts';
import { clockWindowSchema, parseDetectorSettings, severitySchema, windowsMinutes } from './settings.ts';
import { fixAtStop, officialPlaceAt, orderWithDestinationAt, placeInCategories, type PlaceMatch } from './stop-places.ts';
import { clockText, dayMs, dayTypeAt, effectiveDay, inWindow, isWorkingTime } from './time.ts';

const code = 'private_errand';

export const privateErrandSettingsSchema = z.strictObject({
  /** School drop-off and pick-up windows in Beijing time. Schools in Kashgar keep Xinjiang hours, two hours behind Beijing time. */
  schoolWindows: z.array(clockWindowSchema).max(12).default([
    { from: '09:00', to: '10:30' },
    { from: '13:30', to: '14:30' },
    { from: '15:30', to: '16:30' },
    { from: '19:30', to: '20:45' },
  ]),
  /** Standing this long at a school in a window is a school run. It is far shorter than a stop, because a drop-off takes minutes. */
  schoolMinDwellMin: z.number().min(0.5).max(60).default(2),
  /** A fix this far outside a school's outline still counts as at the school (the gate, the kerb). */
  schoolMarginM: z.number().min(0).max(200).default(30),
  /** At or below this speed a fix counts as standing. */
  stationarySpeedKmh: z.number().min(0).max(30).default(5),
  /** Categories of places where a stop is a private visit unless an order covers it. An empty list turns the check off. */
  visitCategories: z.array(z.enum(['residential', 'wedding_funeral'])).default(['residential', 'wedding_funeral']),
  /** A stop at such a place at least this long is reported. */
  visitMinDwellMin: z.number().min(1).max(24 * 60).default(10),
  /** An official place within this distance of the stop wins over a visited place that is not nearer. */
  officialMarginM: z.number().min(0).max(200).default(50),
  /** A stop within a destination's radius plus this margin is at that destination of the order. */
  destinationMarginM: z.number().min(0).max(500).default(50),
  /** This many trips without an order, started off hours on working days within offHoursTripPeriodDays, are reported. */
  offHoursTripCount: z.number().int().min(2).max(100).default(3),
  offHoursTripPeriodDays: z.number().int().min(1).max(90).default(7),
  /** Trips shorter than this do not count towards the off-hours trips. */
  offHoursTripMinDistanceM: z.number().min(0).max(100_000).default(1_000),
  /** Vehicles on the approved duty roster are exempt from the off-hours trip check. */
  exemptDutyRoster: z.boolean().default(true),
  severity: severitySchema.default('medium'),
  /** Severity of a private visit off hours. */
  offHoursVisitSeverity: severitySchema.default('high'),
});
export type PrivateErrandSettings = z.infer<typeof privateErrandSettingsSchema>;

/** Standing fixes at one school during a drop-off or pick-up window. */
interface SchoolVisit {
  placeId: number;
  placeName: string;
  latitude: number;
  longitude: number;
  start: number;
  last: number;
  fixCount: number;
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
  /** 'reported', 'covered' (an order names the school) or null while shorter than the dwell. */
  decision: 'reported' | 'covered' | null;
}

/** A stop at a residential or wedding/funeral place. */
interface PlaceVisit {
  stop: StopRecord;
  place: PlaceMatch;
  official: PlaceMatch | null;
  decision: 'reported' | 'covered' | null;
}

interface OffHoursTrip {
  start: number;
  end: number;
  distanceM: number;
  firstPositionId: number;
  lastPositionId: number;
  tripId: number | null;
}

export interface PrivateErrandState {
  school: SchoolVisit | null;
  visit: PlaceVisit | null;
  /** Off-hours trips without an order within the last offHoursTripPeriodDays. */
  trips: OffHoursTrip[];
  tripSeries: Series | null;
}

type Result = { state: PrivateErrandState; alerts: AlertDraft[] };
type Decision = { decision: 'reported' | 'covered'; alert: AlertDraft | null };

// School runs, from standing fixes: a drop-off is shorter than a stop.

/** Returns the school a standing fix is at during a window of a school day; the cheap checks come first, because most fixes are of parked vehicles. */
function schoolAt(fix: RuleFix, context: RuleContext, settings: PrivateErrandSettings) {
  if (fix.speedKmh > settings.stationarySpeedKmh) return null;
  const minute = context.minuteOfDay(fix.time);
  if (!windowsMinutes(settings.schoolWindows).some((window) => inWindow(minute, window))) return null;
  if (dayTypeAt(fix.time, context).type !== 'workday') return null;
  return context.places.containing(fix, settings.schoolMarginM).find((place) => place.category === 'school') ?? null;
}

function schoolAlert(visit: SchoolVisit, context: RuleContext, settings: PrivateErrandSettings): AlertDraft {
  const day = effectiveDay(visit.start, context);
  return draft({
    code,
    context,
    subject: `school:${visit.start}`,
    start: visit.start,
    end: visit.last,
    severity: settings.severity,
    facts: {
      kind: 'school_run',
      durationS: Math.round((visit.last - visit.start) / 1000),
      minDwellS: settings.schoolMinDwellMin * 60,
      fixCount: visit.fixCount,
      placeId: visit.placeId,
      placeName: visit.placeName,
      latitude: Number(visit.latitude.toFixed(6)),
      longitude: Number(visit.longitude.toFixed(6)),
      localTime: clockText(visit.start, context),
      dayType: day.type,
      calendarMissing: day.calendarMissing,
      orderId: null,
    },
    evidence: { positionIds: unique([visit.firstPositionId, visit.lastPositionId]), rawFrameIds: visit.rawFrameIds, placeId: visit.placeId, orderAbsent: true },
  });
}

function decideSchool(visit: SchoolVisit, context: RuleContext, settings: PrivateErrandSettings): Decision | null {
  if (visit.last - visit.start < settings.schoolMinDwellMin * 60_000) return null;
  const site = { latitude: visit.latitude, longitude: visit.longitude, places: [{ id: visit.placeId, outsideM: 0 }] };
  if (orderWithDestinationAt(site, context.ordersBetween(visit.start, visit.last), settings.destinationMarginM)) return { decision: 'covered', alert: null };
  return { decision: 'reported', alert: schoolAlert(visit, context, settings) };
}

function extendSchoolVisit(visit: SchoolVisit, fix: RuleFix): SchoolVisit {
  const rawFrameIds = visit.rawFrameIds.length < 4 ? unique([...visit.rawFrameIds, fix.rawFrameId]) : visit.rawFrameIds;
  return { ...visit, last: fix.time, fixCount: visit.fixCount + 1, lastPositionId: fix.positionId, rawFrameIds };
}

function newSchoolVisit(place: Place, fix: RuleFix): SchoolVisit {
  return {
    placeId: place.id,
    placeName: place.name,
    latitude: fix.latitude,
    longitude: fix.longitude,
    start: fix.time,
    last: fix.time,
    fixCount: 1,
    firstPositionId: fix.positionId,
    lastPositionId: fix.positionId,
    rawFrameIds: [fix.rawFrameId],
    decision: null,
  };
}

/** Moves the school visit on by one valid fix: extends, ends or opens it, and reports it once it lasted the dwell. */
function trackSchool(state: PrivateErrandState, fix: RuleFix, context: RuleContext, settings: PrivateErrandSettings): Result {
  const current = state.school;
  const place = schoolAt(fix, context, settings);
  if (!current && !place) return { state, alerts: [] };

  const alerts: AlertDraft[] = [];
  let visit: SchoolVisit | null;
  if (current && place?.id === current.placeId) visit = extendSchoolVisit(current, fix);
  else {
    // The visit ended: a reported one is sent again with its full duration.
    if (current?.decision === 'reported') alerts.push(schoolAlert(current, context, settings));
    visit = place ? newSchoolVisit(place, fix) : null;
  }
  if (visit && visit.decision === null) {
    const decided = decideSchool(visit, context, settings);
    if (decided) {
      visit = { ...visit, decision: decided.decision };
      if (decided.alert) alerts.push(decided.alert);
    }
  }
  return { state: { ...state, school: visit }, alerts };
}

// Private visits: stops at residential places and wedding or funeral venues.

function visitOf(stop: StopFact, context: RuleContext, settings: PrivateErrandSettings): PlaceVisit | null {
  const place = placeInCategories(stop, settings.visitCategories);
  if (!place) return null;
  const official = officialPlaceAt(stop, context, settings.officialMarginM);
  if (official && official.outsideM <= place.outsideM) return null;
  return { stop: stopRecord(stop), place, official, decision: null };
}

/**
 * Decides a visit that lasted until `end`. An order naming the place covers it. During working
 * hours any approved order covers it too, because leaving the order's route is rule 6's finding.
 * Otherwise the visit is reported.
 */
function decideVisit(visit: PlaceVisit, end: number, context: RuleContext, settings: PrivateErrandSettings): Decision | null {
  if (end - visit.stop.start < settings.visitMinDwellMin * 60_000) return null;
  const orders = context.ordersBetween(visit.stop.start, end);
  if (orderWithDestinationAt(visit.stop, orders, settings.destinationMarginM)) return { decision: 'covered', alert: null };
  const offHours = !isWorkingTime(visit.stop.start, context);
  if (!offHours && orders.length > 0) return { decision: 'covered', alert: null };

  const day = effectiveDay(visit.stop.start, context);
  const alert = draft({
    code,
    context,
    subject: `visit:${visit.stop.start}`,
    start: visit.stop.start,
    end,
    severity: offHours ? settings.offHoursVisitSeverity : settings.severity,
    facts: {
      ...stopFacts(visit.stop, end),
      kind: visit.place.category === 'wedding_funeral' ? 'wedding_funeral' : 'residential_visit',
      minDwellS: settings.visitMinDwellMin * 60,
      placeId: visit.place.id,
      placeName: visit.place.name,
      placeCategory: visit.place.category,
      outsideM: visit.place.outsideM,
      officialPlaceName: visit.official?.name ?? null,
      offHours,
      localTime: clockText(visit.stop.start, context),
      dayType: day.type,
      calendarMissing: day.calendarMissing,
      orderId: orders[0]?.id ?? null,
    },
    evidence: { ...stopEvidence(visit.stop), placeId: visit.place.id, tripOrderId: orders[0]?.id ?? null, orderAbsent: orders.length === 0 },
  });
  return { decision: 'reported', alert };
}

function onStopStarted(state: PrivateErrandState, stop: StopFact, context: RuleContext, settings: PrivateErrandSettings): Result {
  const visit = visitOf(stop, context, settings);
  if (!visit) return { state: state.visit ? { ...state, visit: null } : state, alerts: [] };
  const decided = decideVisit(visit, stop.end, context, settings);
  return { state: { ...state, visit: { ...visit, decision: decided?.decision ?? null } }, alerts: decided?.alert ? [decided.alert] : [] };
}

function onStopEnded(state: PrivateErrandState, stop: StopFact, context: RuleContext, settings: PrivateErrandSettings): Result {
  const next = state.visit ? { ...state, visit: null } : state;
  const visit = visitOf(stop, context, settings);
  const decided = visit ? decideVisit(visit, stop.end, context, settings) : null;
  return { state: next, alerts: decided?.alert ? [decided.alert] : [] };
}

function onFix(state: PrivateErrandState, fix: RuleFix, context: RuleContext, settings: PrivateErrandSettings): Result {
  if (!fix.valid) return { state, alerts: [] };
  const school = trackSchool(state, fix, context, settings);
  const visit = school.state.visit;
  if (!visit || visit.decision !== null || !fixAtStop(visit.stop, fix)) return school;
  const decided = decideVisit(visit, fix.time, context, settings);
  if (!decided) return school;
  return {
    state: { ...school.state, visit: { ...visit, decision: decided.decision } },
    alerts: decided.alert ? [...school.alerts, decided.alert] : school.alerts,
  };
}

// Repeated off-hours trips without an order.

function onTripEnded(state: PrivateErrandState, trip: TripFact, context: RuleContext, settings: PrivateErrandSettings): Result {
  if (trip.order !== null || trip.distanceM < settings.offHoursTripMinDistanceM) return { state, alerts: [] };
  // Off-hours use on weekends and holidays is rule 2's finding, so only working days count here.
  if (dayTypeAt(trip.start, context).type !== 'workday' || isWorkingTime(trip.start, context)) return { state, alerts: [] };
  if (settings.exemptDutyRoster && context.onDutyRoster(trip.start)) return { state, alerts: [] };

  const periodMs = settings.offHoursTripPeriodDays * dayMs;
  const recent = state.trips.filter((earlier) => trip.start - earlier.start < periodMs);
  const entry: OffHoursTrip = { start: trip.start, end: trip.end, distanceM: trip.distanceM, firstPositionId: trip.firstPositionId, lastPositionId: trip.lastPositionId, tripId: trip.tripId };
  const trips = [...recent, entry].slice(-settings.offHoursTripCount * 4);
  if (trips.length < settings.offHoursTripCount) return { state: { ...state, trips }, alerts: [] };

  const series = continueSeries(state.tripSeries, trips[0]!.start, trip.start, periodMs);
  const counted = trips.filter((earlier) => earlier.start >= series.start);
  const alert = draft({
    code,
    context,
    subject: `trips:${series.start}`,
    start: series.start,
    end: trip.end,
    severity: settings.severity,
    facts: {
      ...tripFacts(trip),
      kind: 'off_hours_trips',
      tripCount: counted.length,
      periodDays: settings.offHoursTripPeriodDays,
      distanceAllTripsM: Math.round(counted.reduce((sum, earlier) => sum + earlier.distanceM, 0)),
      localTime: clockText(trip.start, context),
      tripStarts: counted.map((earlier) => new Date(earlier.start).toISOString()).join(','),
    },
    evidence: {
      ...tripEvidence(trip),
      positionIds: unique(counted.flatMap((earlier) => [earlier.firstPositionId, earlier.lastPositionId])).slice(-16),
    },
  });
  return { state: { ...state, trips, tripSeries: series }, alerts: [alert] };
}

/**
 * Item 4: private errands. A school run is standing at a school for a couple of minutes in a
 * drop-off or pick-up window on a working day. A private visit is a stop at a residential
 * place or a wedding or funeral venue, off hours or without an approved order. Repeated trips
 * without an order started off hours on working days are reported as one alert per series.
 * A stop at a destination of an approved order is never reported.
 */
export const privateErrandDetector: Detector<PrivateErrandState, PrivateErrandSettings> = {
  code,
  defaults: privateErrandSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, privateErrandSettingsSchema, input),
  initialState: () => ({ school: null, visit: null, trips: [], tripSeries: null }),
  update(state, event, context, settings) {
    if (event.type === 'fix') return onFix(state, event.fix, context, settings);
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    if (event.type === 'trip_ended') return onTripEnded(state, event.trip, context, settings);
    return { state, alerts: [] };
  },
};
