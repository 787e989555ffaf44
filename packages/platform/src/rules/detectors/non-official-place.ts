import { z } from 'zod';
import type { AlertDraft, Detector, RuleContext, RuleEvent, Severity, StopFact } from '../engine/types.ts';
import type { PlaceCategory } from '../places.ts';
import { draft, stopEvidence, stopFacts, stopRecord, type StopRecord } from './drafts.ts';
import { parseDetectorSettings, placeCategorySchema, severitySchema } from './settings.ts';
import { fixAtStop, officialPlaceAt, orderWithDestinationAt, placeInCategories, type PlaceMatch } from './stop-places.ts';
import { effectiveDay } from './time.ts';

const code = 'non_official_place';

const categoryRuleSchema = z.strictObject({
  minDwellMin: z.number().min(1).max(24 * 60),
  severity: severitySchema,
});

export const nonOfficialPlaceSettingsSchema = z.strictObject({
  /** Venue categories watched, each with the dwell that makes a stop there an alert. Templates change it per category (src/rules/templates/tables.ts). */
  categories: z
    .partialRecord(placeCategorySchema, categoryRuleSchema)
    .refine((table) => Object.keys(table).length > 0, 'name at least one category')
    .default({
      entertainment: { minDwellMin: 10, severity: 'high' },
      hotel: { minDwellMin: 30, severity: 'medium' },
      restaurant: { minDwellMin: 30, severity: 'medium' },
      scenic_spot: { minDwellMin: 30, severity: 'medium' },
    }),
  /** An official place within this distance of the stop wins over a venue that is not nearer. */
  officialMarginM: z.number().min(0).max(200).default(50),
  /** A stop within a destination's radius plus this margin is at that destination of the order. */
  destinationMarginM: z.number().min(0).max(500).default(50),
  /** Hotels are not reported while an approved out-of-area order covers the stop (an overnight stay on the trip). */
  ignoreHotelsOnOutOfAreaOrders: z.boolean().default(true),
});
export type NonOfficialPlaceSettings = z.infer<typeof nonOfficialPlaceSettingsSchema>;

interface VenueStop {
  stop: StopRecord;
  venue: PlaceMatch;
  /** The official place nearby that lost to the venue, for the reviewer. */
  official: PlaceMatch | null;
  /** True once the stop was reported, or found covered by an order, while it lasted. */
  decided: boolean;
}

export interface NonOfficialPlaceState {
  current: VenueStop | null;
}

/** Returns the venue a stop is at, or null when there is none or an official place at least as near wins. */
function venueOf(stop: StopFact, context: RuleContext, settings: NonOfficialPlaceSettings): Omit<VenueStop, 'decided'> | null {
  const categories = Object.keys(settings.categories) as PlaceCategory[];
  const venue = placeInCategories(stop, categories);
  if (!venue) return null;
  const official = officialPlaceAt(stop, context, settings.officialMarginM);
  if (official && official.outsideM <= venue.outsideM) return null;
  return { stop: stopRecord(stop), venue, official };
}

const ruleFor = (settings: NonOfficialPlaceSettings, category: PlaceCategory) => settings.categories[category]!;

/** Returns the alert for a venue stop that lasted until `end`, 'covered' when an order covers it, or null while it is shorter than the dwell. */
function findingAt(tracked: Omit<VenueStop, 'decided'>, end: number, context: RuleContext, settings: NonOfficialPlaceSettings): AlertDraft | null | 'covered' {
  const rule = ruleFor(settings, tracked.venue.category);
  if (end - tracked.stop.start < rule.minDwellMin * 60_000) return null;

  const orders = context.ordersBetween(tracked.stop.start, end);
  if (orderWithDestinationAt(tracked.stop, orders, settings.destinationMarginM)) return 'covered';
  const outOfArea = orders.find((order) => order.outOfArea);
  if (settings.ignoreHotelsOnOutOfAreaOrders && tracked.venue.category === 'hotel' && outOfArea) return 'covered';

  const day = effectiveDay(tracked.stop.start, context);
  const severity: Severity = rule.severity;
  return draft({
    code,
    context,
    subject: tracked.stop.start,
    start: tracked.stop.start,
    end,
    severity,
    facts: {
      ...stopFacts(tracked.stop, end),
      minDwellS: rule.minDwellMin * 60,
      placeId: tracked.venue.id,
      placeName: tracked.venue.name,
      placeCategory: tracked.venue.category,
      outsideM: tracked.venue.outsideM,
      officialPlaceName: tracked.official?.name ?? null,
      officialOutsideM: tracked.official?.outsideM ?? null,
      dayType: day.type,
      calendarMissing: day.calendarMissing,
      orderId: orders[0]?.id ?? null,
    },
    evidence: { ...stopEvidence(tracked.stop), placeId: tracked.venue.id, tripOrderId: orders[0]?.id ?? null, orderAbsent: orders.length === 0 },
  });
}

function onStopStarted(state: NonOfficialPlaceState, stop: StopFact, context: RuleContext, settings: NonOfficialPlaceSettings) {
  const venue = venueOf(stop, context, settings);
  if (!venue) return { state: state.current ? { current: null } : state, alerts: [] };
  const found = findingAt(venue, stop.end, context, settings);
  const alerts = found && found !== 'covered' ? [found] : [];
  return { state: { current: { ...venue, decided: found !== null } }, alerts };
}

function onFix(state: NonOfficialPlaceState, event: Extract<RuleEvent, { type: 'fix' }>, context: RuleContext, settings: NonOfficialPlaceSettings) {
  const tracked = state.current;
  if (!tracked || tracked.decided || !fixAtStop(tracked.stop, event.fix)) return { state, alerts: [] };
  const found = findingAt(tracked, event.fix.time, context, settings);
  if (!found) return { state, alerts: [] };
  return { state: { current: { ...tracked, decided: true } }, alerts: found === 'covered' ? [] : [found] };
}

function onStopEnded(state: NonOfficialPlaceState, stop: StopFact, context: RuleContext, settings: NonOfficialPlaceSettings) {
  const next = state.current ? { current: null } : state;
  const venue = venueOf(stop, context, settings);
  const found = venue ? findingAt(venue, stop.end, context, settings) : null;
  return { state: next, alerts: found && found !== 'covered' ? [found] : [] };
}

/**
 * Item 1: a stop longer than the category's dwell at an entertainment venue, hotel, restaurant
 * or scenic spot. An official place at least as near wins, and a stop at a destination of an
 * approved order overlapping it is not reported. One alert per stop, raised as soon as the
 * dwell is reached and updated with the full duration when the stop ends.
 */
export const nonOfficialPlaceDetector: Detector<NonOfficialPlaceState, NonOfficialPlaceSettings> = {
  code,
  defaults: nonOfficialPlaceSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, nonOfficialPlaceSettingsSchema, input),
  initialState: () => ({ current: null }),
  update(state, event, context, settings) {
    if (event.type === 'stop_started') return onStopStarted(state, event.stop, context, settings);
    if (event.type === 'fix') return onFix(state, event, context, settings);
    if (event.type === 'stop_ended') return onStopEnded(state, event.stop, context, settings);
    return { state, alerts: [] };
  },
};
