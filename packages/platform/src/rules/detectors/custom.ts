import type { AlertDraft, Detector, RuleContext, RuleFix, StopFact, TripFact } from '../engine/types.ts';
import type { CustomRule, CustomSettings, Range } from './custom-schema.ts';
import { customSettingsSchema } from './custom-schema.ts';
import { draft, stopEvidence, stopFacts, stopRecord, tripEvidence, tripFacts } from './drafts.ts';
import { parseDetectorSettings, windowsMinutes } from './settings.ts';
import { mainPlaceOf } from './stop-places.ts';
import { clockText, dayTypeAt, effectiveDay, windowOccurrences } from './time.ts';

const code = 'custom';

export interface CustomState {
  /** Highest speed of valid fixes since the last trip ended, km/h, tracked only while a rule uses it. */
  topSpeedKmh: number;
}

/** The subject a rule is checked against: a stop or a trip reduced to the facts the conditions read. */
interface Subject {
  start: number;
  end: number;
  /** The stop, or the stop the trip ended at. */
  stop: StopFact;
  orderIds: number[];
  distanceKm: number | null;
  topSpeedKmh: number | null;
}

const inRange = (value: number, range: Range) => (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);

function matches(rule: CustomRule, subject: Subject, context: RuleContext): boolean {
  const { when } = rule;
  if (when.placeCategories && !subject.stop.places.some(({ place }) => when.placeCategories!.includes(place.category))) return false;
  if (when.placeIds && !subject.stop.places.some(({ place }) => when.placeIds!.includes(place.id))) return false;
  if (when.dayTypes && !when.dayTypes.includes(dayTypeAt(subject.start, context).type)) return false;
  if (when.timeWindows && !windowsMinutes(when.timeWindows).some((window) => windowOccurrences(subject.start, subject.end, window, context).length > 0)) return false;
  if (when.durationMin && !inRange((subject.end - subject.start) / 60_000, when.durationMin)) return false;
  if (when.distanceKm && (subject.distanceKm === null || !inRange(subject.distanceKm, when.distanceKm))) return false;
  if (when.topSpeedKmh && (subject.topSpeedKmh === null || !inRange(subject.topSpeedKmh, when.topSpeedKmh))) return false;
  if (when.order === 'present' && subject.orderIds.length === 0) return false;
  if (when.order === 'absent' && subject.orderIds.length > 0) return false;
  return true;
}

function ruleFacts(rule: CustomRule, subject: Subject, context: RuleContext): AlertDraft['facts'] {
  const day = effectiveDay(subject.start, context);
  const place = mainPlaceOf(subject.stop);
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    on: rule.on,
    conditions: JSON.stringify(rule.when),
    localTime: clockText(subject.start, context),
    dayType: day.type,
    calendarMissing: day.calendarMissing,
    placeId: place?.id ?? null,
    placeName: place?.name ?? null,
    placeCategory: place?.category ?? null,
    orderId: subject.orderIds[0] ?? null,
  };
}

function stopAlerts(stop: StopFact, context: RuleContext, settings: CustomSettings): AlertDraft[] {
  const rules = settings.rules.filter((rule) => rule.enabled && rule.on === 'stop');
  if (rules.length === 0) return [];
  const subject: Subject = { start: stop.start, end: stop.end, stop, orderIds: context.ordersBetween(stop.start, stop.end).map((order) => order.id), distanceKm: null, topSpeedKmh: null };
  const record = stopRecord(stop);
  return rules.filter((rule) => matches(rule, subject, context)).map((rule) => {
    const facts = ruleFacts(rule, subject, context);
    return draft({
      code,
      context,
      subject: `${rule.id}:${stop.start}`,
      start: stop.start,
      end: stop.end,
      severity: rule.severity,
      facts: { ...stopFacts(record), ...facts },
      evidence: { ...stopEvidence(record), placeId: facts.placeId as number | null, tripOrderId: subject.orderIds[0] ?? null, orderAbsent: subject.orderIds.length === 0 },
    });
  });
}

function tripAlerts(trip: TripFact, topSpeedKmh: number, context: RuleContext, settings: CustomSettings): AlertDraft[] {
  const rules = settings.rules.filter((rule) => rule.enabled && rule.on === 'trip');
  const subject: Subject = { start: trip.start, end: trip.end, stop: trip.toStop, orderIds: trip.order ? [trip.order.id] : [], distanceKm: trip.distanceM / 1000, topSpeedKmh };
  return rules.filter((rule) => matches(rule, subject, context)).map((rule) =>
    draft({
      code,
      context,
      subject: `${rule.id}:${trip.start}`,
      start: trip.start,
      end: trip.end,
      severity: rule.severity,
      facts: { ...tripFacts(trip), ...ruleFacts(rule, subject, context), topSpeedKmh: Math.round(topSpeedKmh) },
      evidence: tripEvidence(trip),
    }));
}

const usesTopSpeed = (settings: CustomSettings) => settings.rules.some((rule) => rule.enabled && rule.on === 'trip' && rule.when.topSpeedKmh !== undefined);

function onFix(state: CustomState, fix: RuleFix, settings: CustomSettings) {
  if (!fix.valid || fix.speedKmh <= state.topSpeedKmh || !usesTopSpeed(settings)) return { state, alerts: [] };
  return { state: { topSpeedKmh: fix.speedKmh }, alerts: [] };
}

/**
 * Item 9: administrator-defined rules in declarative JSON, checked against the same facts as the
 * other rules (place category or id, day type, local time window, duration, distance, top speed,
 * order present or absent). Stop rules are checked when the stop ends and trip rules when the
 * trip ends; nothing in a rule is ever run as code.
 */
export const customDetector: Detector<CustomState, CustomSettings> = {
  code,
  defaults: customSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, customSettingsSchema, input),
  initialState: () => ({ topSpeedKmh: 0 }),
  update(state, event, context, settings) {
    if (event.type === 'fix') return onFix(state, event.fix, settings);
    if (event.type === 'stop_ended') return { state, alerts: stopAlerts(event.stop, context, settings) };
    if (event.type === 'trip_ended') {
      const alerts = tripAlerts(event.trip, state.topSpeedKmh, context, settings);
      return { state: state.topSpeedKmh === 0 ? state : { topSpeedKmh: 0 }, alerts };
    }
    return { state, alerts: [] };
  },
};
