import { invalid } from '../../errors.ts';
import { isCalendarDate } from '../calendar.ts';
import type { LocalClock } from './local-clock.ts';

const dayMs = 86_400_000;
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Returns the calendar date YYYY-MM-DD that follows `date`. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
}

/** Counts the days from one date YYYY-MM-DD to another, both included, so the same date gives 1. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs) + 1;
}

/**
 * Returns the UTC ms of a replay bound given as a local date. A `from` bound is the first instant
 * of the date, and a `to` bound is the first instant of the next date, so the period includes it.
 */
export function dateBound(date: string, bound: 'from' | 'to', clock: LocalClock): number {
  return clock.startOfDate(bound === 'from' ? date : nextDate(date));
}

/**
 * Parses a replay bound, given as a local date or an ISO 8601 time with offset, into UTC ms.
 * A date means the whole day, so a `to` date includes that day. `label` names the bound in
 * error messages, e.g. --from for the CLI.
 */
export function parseReplayBound(text: string | undefined, bound: 'from' | 'to', clock: LocalClock, label: string = bound): number {
  if (!text) throw invalid(`Missing ${label}: give a date YYYY-MM-DD or an ISO 8601 time with offset, e.g. ${label} 2026-03-02`);
  if (isCalendarDate(text)) return dateBound(text, bound, clock);
  if (isoWithOffset.test(text) && Number.isFinite(Date.parse(text))) return Date.parse(text);
  throw invalid(`Invalid ${label} ${text}: expected a date YYYY-MM-DD (${clock.timeZone}) or an ISO 8601 time with offset such as 2026-03-02T08:00+08:00`, text);
}
