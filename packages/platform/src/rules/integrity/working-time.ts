import { dayType, localDate, type CalendarTable } from '../calendar.ts';

const dayMs = 86_400_000;
const minuteMs = 60_000;

/** A daily window in minutes after local midnight. A window whose end is not after its start crosses midnight. */
export interface MinuteWindow {
  start: number;
  end: number;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Returns the milliseconds to add to a UTC instant to get the wall-clock time of the zone. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (instant - (instant % 1000));
}

/** Returns the UTC instant of local midnight that starts a date (YYYY-MM-DD) in the zone. */
export function localMidnight(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  const guess = utcMidnight - zoneOffsetMs(utcMidnight, timeZone);
  return utcMidnight - zoneOffsetMs(guess, timeZone);
}

export interface WorkingOverlap {
  /** Milliseconds of the span that fall in working hours of working days. */
  workingMs: number;
  /** Working days the span touched in working hours. */
  workingDays: number;
  /** True when a day of the span lies in a year without a holiday schedule; such days are counted as by weekday. */
  calendarMissing: boolean;
}

/**
 * Measures how much of [from, to) falls in the working hours of working days: ordinary weekdays
 * and adjusted working days (调休) count, statutory holidays and weekends do not. A day of a year
 * the calendar does not cover counts as by weekday, and the result flags it.
 */
export function workingOverlap(from: number, to: number, calendar: CalendarTable, workingHours: readonly MinuteWindow[]): WorkingOverlap {
  const result: WorkingOverlap = { workingMs: 0, workingDays: 0, calendarMissing: false };
  if (!(to > from)) return result;

  // From the day before, whose window may cross midnight into the span.
  let date = localDate(from - dayMs, calendar.timeZone);
  const lastDate = localDate(to, calendar.timeZone);
  for (;;) {
    const day = dayType(calendar, date);
    let working = day.type === 'workday';
    if (day.type === 'unknown') {
      result.calendarMissing = true;
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      working = weekday !== 0 && weekday !== 6;
    }
    if (working) {
      const midnight = localMidnight(date, calendar.timeZone);
      let dayMsCounted = 0;
      for (const window of workingHours) {
        const endMinute = window.end > window.start ? window.end : window.end + 24 * 60;
        const start = Math.max(from, midnight + window.start * minuteMs);
        const end = Math.min(to, midnight + endMinute * minuteMs);
        if (end > start) dayMsCounted += end - start;
      }
      if (dayMsCounted > 0) result.workingDays++;
      result.workingMs += dayMsCounted;
    }
    if (date === lastDate) break;
    date = new Date(Date.parse(`${date}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
  }
  return result;
}
