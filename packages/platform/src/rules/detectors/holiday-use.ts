import { z } from 'zod';
import type { Detector, RuleContext, TripFact } from '../engine/types.ts';
import { draft, tripFacts, unique } from './drafts.ts';
import { orderCovers } from './orders.ts';
import { parseDetectorSettings, severitySchema } from './settings.ts';
import { effectiveDay, localDayStart, type EffectiveDay } from './time.ts';

const code = 'holiday_use';

export const holidayUseSettingsSchema = z.strictObject({
  /** Trips shorter than this (moving the car within a compound) are not use. */
  minTripDistanceM: z.number().min(0).max(100_000).default(500),
  /** An order's window widened by this many minutes on both sides still covers a trip. */
  orderToleranceMin: z.number().min(0).max(24 * 60).default(30),
  /** Vehicles on the approved duty roster for the day are exempt. */
  exemptDutyRoster: z.boolean().default(true),
  holidaySeverity: severitySchema.default('high'),
  weekendSeverity: severitySchema.default('medium'),
});
export type HolidayUseSettings = z.infer<typeof holidayUseSettingsSchema>;

/** Uncovered use on one non-working day so far. */
interface DayUse {
  dayStart: number;
  date: string;
  start: number;
  end: number;
  tripCount: number;
  distanceM: number;
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
}

export interface HolidayUseState {
  day: DayUse | null;
}

/** Returns the non-working day a trip falls on: its start's day, or else its end's (a trip past midnight into a holiday). */
function nonWorkingDayOf(trip: TripFact, context: RuleContext): { day: EffectiveDay; from: number } | null {
  const atStart = effectiveDay(trip.start, context);
  if (atStart.type !== 'workday') return { day: atStart, from: trip.start };
  const atEnd = effectiveDay(trip.end, context);
  if (atEnd.type !== 'workday') return { day: atEnd, from: localDayStart(trip.end, context) };
  return null;
}

function holidayOrderCovering(trip: TripFact, context: RuleContext, settings: HolidayUseSettings) {
  const toleranceMs = settings.orderToleranceMin * 60_000;
  const candidates = trip.order ? [trip.order, ...context.ordersBetween(trip.start, trip.end)] : context.ordersBetween(trip.start, trip.end);
  return candidates.find((order) => order.holidayUse && orderCovers(order, trip.start, trip.end, toleranceMs)) ?? null;
}

function addTrip(previous: DayUse | null, dayStart: number, date: string, from: number, trip: TripFact): DayUse {
  if (previous && previous.dayStart === dayStart) {
    return {
      ...previous,
      end: Math.max(previous.end, trip.end),
      tripCount: previous.tripCount + 1,
      distanceM: previous.distanceM + trip.distanceM,
      lastPositionId: trip.lastPositionId,
    };
  }
  return {
    dayStart,
    date,
    start: from,
    end: trip.end,
    tripCount: 1,
    distanceM: trip.distanceM,
    firstPositionId: trip.firstPositionId,
    lastPositionId: trip.lastPositionId,
    rawFrameIds: trip.rawFrameIds.slice(0, 4),
  };
}

function onTripEnded(state: HolidayUseState, trip: TripFact, context: RuleContext, settings: HolidayUseSettings) {
  if (trip.distanceM < settings.minTripDistanceM) return { state, alerts: [] };
  const found = nonWorkingDayOf(trip, context);
  if (!found) return { state, alerts: [] };
  if (settings.exemptDutyRoster && (context.onDutyRoster(trip.start) || context.onDutyRoster(trip.end))) return { state, alerts: [] };
  if (holidayOrderCovering(trip, context, settings)) return { state, alerts: [] };

  const { day, from } = found;
  const use = addTrip(state.day, localDayStart(from, context), day.date, from, trip);
  const holidayName = context.calendar.days.get(day.date)?.name ?? null;
  const alert = draft({
    code,
    context,
    subject: use.dayStart,
    start: use.start,
    end: use.end,
    severity: day.type === 'holiday' ? settings.holidaySeverity : settings.weekendSeverity,
    facts: {
      ...tripFacts(trip),
      date: day.date,
      dayType: day.type,
      holidayName,
      calendarMissing: day.calendarMissing,
      tripCountThatDay: use.tripCount,
      distanceThatDayM: Math.round(use.distanceM),
    },
    evidence: {
      positionIds: unique([use.firstPositionId, trip.firstPositionId, trip.lastPositionId]),
      rawFrameIds: unique([...use.rawFrameIds, ...trip.rawFrameIds]),
      tripId: trip.tripId,
      tripOrderId: trip.order?.id ?? null,
      orderAbsent: true,
    },
  });
  return { state: { day: use }, alerts: [alert] };
}

/**
 * Item 2: a trip on a statutory holiday or weekend (adjusted working days count as workdays)
 * without an approved holiday-use order covering it. Vehicles on the day's duty roster are
 * exempt. A day whose year has no holiday schedule is judged by its weekday and the alert flags
 * the missing calendar. One alert per vehicle and day; each further trip that day merges into it.
 */
export const holidayUseDetector: Detector<HolidayUseState, HolidayUseSettings> = {
  code,
  defaults: holidayUseSettingsSchema.parse({}),
  parseSettings: (input) => parseDetectorSettings(code, holidayUseSettingsSchema, input),
  initialState: () => ({ day: null }),
  update(state, event, context, settings) {
    if (event.type === 'trip_ended') return onTripEnded(state, event.trip, context, settings);
    return { state, alerts: [] };
  },
};
