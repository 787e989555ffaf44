import { invalid } from '../../errors.ts';
import { isCalendarDate } from '../calendar.ts';
import type { LocalClock } from './local-clock.ts';

const dayMs = 86_400_000;
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The local date after a date YYYY-MM-DD. */
export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);
}

/** Number of days from one date YYYY-MM-DD to another, both counted: 1 for the same date. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs) + 1;
}

/**
 * Returns the UTC ms of a replay bound given as a local date: the first instant of the date for
 * `from`, the first instant of the next date for `to`, so that the period includes the last date.
 */
export function dateBound(date: string, bound: 'from' | 'to', clock: LocalClock): number {
  return clock.startOfDate(bound === 'from' ? date : nextDate(date));
}

/**
 * Parses a replay bound: a local date (a whole day; `to` includes it) or an ISO 8601 time with
 * offset. Returns UTC ms. `label` names the bound in messages, e.g. --from for the CLI.
 */
export function parseReplayBound(text: string | undefined, bound: 'from' | 'to', clock: LocalClock, label: string = bound): number {
  if (!text) throw invalid(`Missing ${label}: give a date YYYY-MM-DD or an ISO 8601 time with offset, e.g. ${label} 2026-03-02`);
  if (isCalendarDate(text)) return dateBound(text, bound, clock);
  if (isoWithOffset.test(text) && Number.isFinite(Date.parse(text))) return Date.parse(text);
  throw invalid(`Invalid ${label} ${text}: expected a date YYYY-MM-DD (${clock.timeZone}) or an ISO 8601 time with offset such as 2026-03-02T08:00+08:00`, text);
}
