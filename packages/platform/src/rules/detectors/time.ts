import { localDate } from '../calendar.ts';
import type { RuleContext } from '../engine/types.ts';

const minuteMs = 60_000;
export const hourMs = 3_600_000;
export const dayMs = 86_400_000;

/** A span of time [start, end) in UTC milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** A daily window as minutes after local midnight. An end at or before the start runs past midnight. */
export interface MinuteWindow {
  start: number;
  end: number;
}

/**
 * Returns local midnight of the instant's local date. It relies on the zone's offset being a
 * whole number of minutes, which holds for every zone in use today.
 */
export function localDayStart(instant: number, context: RuleContext): number {
  const minutes = Math.floor(context.minuteOfDay(instant));
  const secondsPart = ((instant % minuteMs) + minuteMs) % minuteMs;
  return instant - minutes * minuteMs - secondsPart;
}

/** Returns local midnight of the next local date (days may be 23 or 25 hours long where clocks change). */
export function nextDayStart(dayStart: number, context: RuleContext): number {
  return localDayStart(dayStart + 30 * hourMs, context);
}

/** True when the minute of the day falls in the window. A window whose start equals its end covers the whole day. */
export function inWindow(minute: number, window: MinuteWindow): boolean {
  if (window.start === window.end) return true;
  if (window.start < window.end) return minute >= window.start && minute < window.end;
  return minute >= window.start || minute < window.end;
}

export type WorkingDayType = 'workday' | 'weekend' | 'holiday';

/** A day's type for the rules. An unknown day (its year has no schedule) is taken by its weekday and flagged. */
export interface EffectiveDay {
  type: WorkingDayType;
  calendarMissing: boolean;
  date: string;
}

export function effectiveDay(instant: number, context: RuleContext): EffectiveDay {
  return { ...dayTypeAt(instant, context), date: localDate(instant, context.calendar.timeZone) };
}

/** Returns the effective day type without the date, which is cheaper: it formats a date only for a year without a schedule. */
export function dayTypeAt(instant: number, context: RuleContext): Omit<EffectiveDay, 'date'> {
  const type = context.dayType(instant);
  if (type !== 'unknown') return { type, calendarMissing: false };
  const weekday = new Date(`${localDate(instant, context.calendar.timeZone)}T00:00:00Z`).getUTCDay();
  return { type: weekday === 0 || weekday === 6 ? 'weekend' : 'workday', calendarMissing: true };
}

/** True during working hours of a working day (adjusted working weekend days included). */
export function isWorkingTime(instant: number, context: RuleContext): boolean {
  if (dayTypeAt(instant, context).type !== 'workday') return false;
  const minute = context.minuteOfDay(instant);
  return context.workingHours.some((window) => inWindow(minute, window));
}

/** One occurrence of a daily window: its full span and the part inside the range asked about. */
export interface WindowOccurrence {
  /** The occurrence's full span, whose start names it in merge keys. */
  span: Interval;
  /** The part of the span inside the range. */
  overlap: Interval;
}

/** Returns the occurrence of a daily window that starts on the local date beginning at dayStart. */
function occurrenceOn(dayStart: number, window: MinuteWindow, context: RuleContext): Interval {
  const start = dayStart + window.start * minuteMs;
  const endDay = window.end <= window.start ? nextDayStart(dayStart, context) : dayStart;
  return { start, end: endDay + window.end * minuteMs };
}

/** Returns the occurrences of a daily window that overlap [from, to), in time order. */
export function windowOccurrences(from: number, to: number, window: MinuteWindow, context: RuleContext): WindowOccurrence[] {
  const found: WindowOccurrence[] = [];
  if (!(to > from)) return found;
  // An occurrence that runs past midnight starts on the day before, so the scan starts a day early.
  for (let day = localDayStart(from - dayMs, context); day < to; day = nextDayStart(day, context)) {
    const span = occurrenceOn(day, window, context);
    const overlap = { start: Math.max(span.start, from), end: Math.min(span.end, to) };
    if (overlap.end > overlap.start) found.push({ span, overlap });
  }
  return found;
}

/** Returns the parts of one local date that a daily window covers. A window past midnight covers the date's start and end. */
function windowPartsOn(day: number, dayEnd: number, window: MinuteWindow): Interval[] {
  if (window.start === window.end) return [{ start: day, end: dayEnd }];
  if (window.start < window.end) return [{ start: day + window.start * minuteMs, end: day + window.end * minuteMs }];
  return [
    { start: day, end: day + window.end * minuteMs },
    { start: day + window.start * minuteMs, end: dayEnd },
  ];
}

/** Returns the parts of [from, to) outside working hours: all of a non-working day, and a working day outside its hours. */
export function offHoursIntervals(from: number, to: number, context: RuleContext): Interval[] {
  const found: Interval[] = [];
  for (let day = localDayStart(from, context); day < to; day = nextDayStart(day, context)) {
    const dayEnd = nextDayStart(day, context);
    const part = { start: Math.max(day, from), end: Math.min(dayEnd, to) };
    if (part.end <= part.start) continue;
    if (dayTypeAt(day, context).type !== 'workday') {
      found.push(part);
      continue;
    }
    const working = context.workingHours.flatMap((window) => windowPartsOn(day, dayEnd, window));
    found.push(...subtractIntervals([part], working));
  }
  return found;
}

/** Returns the parts of the intervals not covered by any of the cuts. */
export function subtractIntervals(intervals: readonly Interval[], cuts: readonly Interval[]): Interval[] {
  let rest = [...intervals];
  for (const cut of cuts) {
    const next: Interval[] = [];
    for (const part of rest) {
      if (cut.end <= part.start || cut.start >= part.end) {
        next.push(part);
        continue;
      }
      if (cut.start > part.start) next.push({ start: part.start, end: cut.start });
      if (cut.end < part.end) next.push({ start: cut.end, end: part.end });
    }
    rest = next;
  }
  return rest;
}

export const totalMs = (intervals: readonly Interval[]) => intervals.reduce((sum, part) => sum + (part.end - part.start), 0);

/** Returns the local clock time of an instant as HH:MM, for alert facts. */
export function clockText(instant: number, context: RuleContext): string {
  const minute = Math.floor(context.minuteOfDay(instant));
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
