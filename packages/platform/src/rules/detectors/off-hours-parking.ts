import { z } from 'zod';
import { localDate } from '../calendar.ts';
import type { AlertDraft, Detector, RuleContext, RuleFix, StopFact } from '../engine/types.ts';
import { draft, stopEvidence, stopFacts, stopRecord, type StopRecord } from './drafts.ts';
import { nextNightDue, nightWindowText, restedNights } from './night-rest.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';
import { fixAtStop, mainPlaceOf, nearHome, nearestHomePlace, type PlaceMatch } from './stop-places.ts';
import { offHoursIntervals, subtractIntervals, totalMs, windowOccurrences } from './time.ts';

const code = 'off_hours_parking';

export const offHoursParkingSettingsSchema = z.strictObject({
  /** A rest outside designated parking that covers at least this much of the night window is reported for that night. */
  minNightRestMin: z.number().min(10).max(24 * 60).default(120),
  /** A rest outside designated parking with at least this much off-hours time outside the night window, and not spanning a reported night, is reported. Null turns this check off. */
  offHoursRestMin: z.number().min(30).max(7 * 24 * 60).nullable().default(240),
  /** A rest whose median lies within this distance of a designated parking place is at that place. */
  homeMarginM: z.number().min(0).max(500).default(50),
  /** Once a slow fix was within homeMarginM, the vehicle stays at home until exitFixes valid fixes in a row lie farther out than this. */
  exitMarginM: z.number().min(0).max(2_000).default(150),
  exitFixes: z.number().int().min(1).max(20).default(3),
  /** Only a fix at or below this speed brings the vehicle home, so that driving past the car park does not. */
  stationarySpeedKmh: z.number().min(0).max(30).default(5),
  /** Nights and rests during an approved order (a trip away on business) are not reported. */
  ignoreDuringOrders: z.boolean().default(true),
  severity: severitySchema.default('medium'),
}).refine((settings) => settings.exitMarginM >= settings.homeMarginM, { message: 'exitMarginM must be at least homeMarginM', path: ['exitMarginM'] });
export type OffHoursParkingSettings = z.infer<typeof offHoursParkingSettingsSchema>;

/** A rest outside designated parking, with the findings already made about it. */
interface OutsideRest {
  stop: StopRecord;
  place: PlaceMatch | null;
  nearestHome: PlaceMatch;
  /** Night starts (UTC ms) reported, and those left out because an order covered them. */
  reportedNights: number[];
  coveredNights: number[];
  offHours: 'reported' | 'covered' | null;
  /** Device time before which no new finding can arise, so fixes before it are not evaluated. */
  dueAt: number;
}

export interface OffHoursParkingState {
  /** Hysteresis at the edge of the designated parking places. */
  atHome: boolean;
  /** Valid fixes in a row beyond exitMarginM while at home. */
  outsideRun: number;
  /** Start of the current stop when it was found at home. */
  homeStopStart: number | null;
  rest: OutsideRest | null;
}

type Result = { state: OffHoursParkingState; alerts: AlertDraft[] };

function nightAlert(rest: OutsideRest, night: { span: { start: number }; overlap: { start: number; end: number } }, end: number, context: RuleContext, settings: OffHoursParkingSettings): AlertDraft {
  return draft({
    code,
    context,
    subject: `night:${night.span.start}`,
    start: night.overlap.start,
    end: night.overlap.end,
    severity: settings.severity,
    facts: {
      ...restFacts(rest, end),
      kind: 'night',
      night: localDate(night.span.start, context.calendar.timeZone),
      nightWindow: nightWindowText(context),
      restInNightS: Math.round((night.overlap.end - night.overlap.start) / 1000),
    },
    evidence: restEvidence(rest),
    range: { from: rest.stop.start, to: end },
  });
}

function offHoursAlert(rest: OutsideRest, offHoursMs: number, end: number, context: RuleContext, settings: OffHoursParkingSettings): AlertDraft {
  return draft({
    code,
    context,
    subject: `rest:${rest.stop.start}`,
    start: rest.stop.start,
    end,
    severity: settings.severity,
    facts: { ...restFacts(rest, end), kind: 'off_hours', offHoursRestS: Math.round(offHoursMs / 1000) },
    evidence: restEvidence(rest),
  });
}

const restFacts = (rest: OutsideRest, end: number): AlertDraft['facts'] => ({
  ...stopFacts(rest.stop, end),
  placeId: rest.place?.id ?? null,
  placeName: rest.place?.name ?? null,
  nearestDesignatedPlaceId: rest.nearestHome.id,
  nearestDesignatedPlaceName: rest.nearestHome.name,
  distanceFromDesignatedM: rest.nearestHome.outsideM,
});

const restEvidence = (rest: OutsideRest) => ({ ...stopEvidence(rest.stop), placeId: rest.place?.id ?? null, orderAbsent: true });

const covered = (from: number, to: number, context: RuleContext, settings: OffHoursParkingSettings) =>
  settings.ignoreDuringOrders && context.ordersBetween(from, to).length > 0;

/** Off-hours time of the rest outside every night window, in ms. */
function offHoursOutsideNightMs(rest: OutsideRest, end: number, context: RuleContext): number {
  const nights = windowOccurrences(rest.stop.start, end, context.nightWindow, context).map(({ span }) => span);
  return totalMs(subtractIntervals(offHoursIntervals(rest.stop.start, end, context), nights));
}

/**
 * Returns the rest with its findings up to `end`. While the rest lasts only new findings are
 * reported. At its end (`final`) every reported finding is sent again with its full duration.
 */
function evaluate(rest: OutsideRest, end: number, final: boolean, context: RuleContext, settings: OffHoursParkingSettings): { rest: OutsideRest; alerts: AlertDraft[] } {
  const alerts: AlertDraft[] = [];
  let next = rest;
  for (const night of restedNights(rest.stop.start, end, settings.minNightRestMin * 60_000, context)) {
    const key = night.span.start;
    if (next.coveredNights.includes(key)) continue;
    if (next.reportedNights.includes(key)) {
      if (final) alerts.push(nightAlert(next, night, end, context, settings));
      continue;
    }
    if (covered(night.overlap.start, night.overlap.end, context, settings)) {
      next = { ...next, coveredNights: [...next.coveredNights, key] };
      continue;
    }
    next = { ...next, reportedNights: [...next.reportedNights, key] };
    alerts.push(nightAlert(next, night, end, context, settings));
  }

  // A rest that spans a night is that night's finding: its evening and morning hours are not reported again.
  const spansNight = next.reportedNights.length > 0 || next.coveredNights.length > 0;
  const checkOffHours = next.offHours === 'reported' ? final : next.offHours === null && !spansNight;
  let dueAt = nextNightDue(next.stop.start, end, settings.minNightRestMin * 60_000, [...next.reportedNights, ...next.coveredNights], context);
  if (settings.offHoursRestMin !== null && checkOffHours) {
    const offHoursMs = offHoursOutsideNightMs(next, end, context);
    // Off-hours time grows no faster than the clock, so the threshold cannot be reached before this.
    if (offHoursMs < settings.offHoursRestMin * 60_000) dueAt = Math.min(dueAt, end + settings.offHoursRestMin * 60_000 - offHoursMs);
    if (offHoursMs >= settings.offHoursRestMin * 60_000) {
      if (next.offHours === null && covered(next.stop.start, end, context, settings)) next = { ...next, offHours: 'covered' };
      else {
        next = next.offHours === 'reported' ? next : { ...next, offHours: 'reported' };
        alerts.push(offHoursAlert(next, offHoursMs, end, context, settings));
      }
    }
  }
  return { rest: next.dueAt === dueAt ? next : { ...next, dueAt }, alerts };
}

/** Moves the hysteresis on by one valid fix and returns the same state when nothing changed. */
function trackHome(state: OffHoursParkingState, fix: RuleFix, context: RuleContext, settings: OffHoursParkingSettings): OffHoursParkingState {
  if (context.homePlaces.length === 0) return state;
  if (!state.atHome) {
    const arrived = fix.speedKmh <= settings.stationarySpeedKmh && nearHome(fix, context, settings.homeMarginM);
    return arrived ? { ...state, atHome: true, outsideRun: 0, rest: null } : state;
  }
  if (nearHome(fix, context, settings.exitMarginM)) return state.outsideRun === 0 ? state : { ...state, outsideRun: 0 };
  const run = state.outsideRun + 1;
  return run >= settings.exitFixes ? { ...state, atHome: false, outsideRun: 0 } : { ...state, outsideRun: run };
}

function onFix(state: OffHoursParkingState, fix: RuleFix, context: RuleContext, settings: OffHoursParkingSettings): Result {
  if (!fix.valid) return { state, alerts: [] };
  const next = trackHome(state, fix, context, settings);
  if (!next.rest || fix.time < next.rest.dueAt || !fixAtStop(next.rest.stop, fix)) return { state: next, alerts: [] };
  const { rest, alerts } = evaluate(next.rest, fix.time, false, context, settings);
  return { state: rest === next.rest ? next : { ...next, rest }, alerts };
}

/** Returns the rest a stop is, or null when it is at designated parking (by its median or by the hysteresis). */
function outsideRest(state: OffHoursParkingState, stop: StopFact, context: RuleContext, settings: OffHoursParkingSettings): OutsideRest | null {
  const nearestHome = nearestHomePlace(stop, context);
  if (!nearestHome || state.atHome || nearestHome.outsideM <= settings.homeMarginM) return null;
  return { stop: stopRecord(stop), place: mainPlaceOf(stop), nearestHome, reportedNights: [], coveredNights: [], offHours: null, dueAt: stop.start };
}

function onStopStarted(state: OffHoursParkingState, stop: StopFact, context: RuleContext, settings: OffHoursParkingSettings): Result {
  if (context.homePlaces.length === 0) return { state, alerts: [] };
  const rest = outsideRest(state, stop, context, settings);
  if (!rest) return { state: { ...state, homeStopStart: stop.start, rest: null }, alerts: [] };
  const found = evaluate(rest, stop.end, false, context, settings);
  return { state: { ...state, homeStopStart: null, rest: found.rest }, alerts: found.alerts };
}

function onStopEnded(state: OffHoursParkingState, stop: StopFact, context: RuleContext, settings: OffHoursParkingSettings): Result {
  if (context.homePlaces.length === 0) return { state, alerts: [] };
  const next = state.homeStopStart === null && state.rest === null ? state : { ...state, homeStopStart: null, rest: null };
  if (state.homeStopStart === stop.start) return { state: next, alerts: [] };

  const fresh = outsideRest(state, stop, context, settings);
  if (!fresh) return { state: next, alerts: [] };
  const known = state.rest?.stop.start === stop.start ? state.rest : null;
  const rest = known ? { ...known, stop: stopRecord(stop) } : fresh;
  return { state: next, alerts: evaluate(rest, stop.end, true, context, settings).alerts };
}

/**
 * Item 3: a vehicle resting outside its unit's designated parking places for a good part of the
 * night window (one alert per night), or for a long time off hours in the daytime (one alert
 * per rest). The edge of a designated place has hysteresis: a vehicle that arrived there stays
 * there until several fixes in a row lie well outside, so fixes drifting past the fence do not
 * count as leaving. Nights under an approved order are not reported. Vehicles without
 * designated parking places are not evaluated.
 */
export const offHoursParkingDetector: Detector<OffHoursParkingState, OffHoursParkingSettings> = {
  code,
  defaults: offHoursParkingSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, offHoursParkingSettingsSchema, input),
  initialState: () => ({ atHome: false, outsideRun: 0, homeStopStart: null, rest: null }),
  update(state, event, context, settings) {
    if (event.type === 'fix') return onFix(state, event.fix, context, settings);
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    return { state, alerts: [] };
  },
};
