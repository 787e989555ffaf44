import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { invalid } from '../errors.ts';
import { chineseDaysSeedRows, type CalendarDayRow } from './calendar-seed.ts';

export type { CalendarDayRow } from './calendar-seed.ts';

/** Time zone the calendar is evaluated in unless configured otherwise (UTC+8, no daylight saving time). */
export const defaultCalendarTimeZone = 'Asia/Shanghai';

/** Classification of one local date. 'unknown' means its year has no holiday schedule in the table. */
export type DayClassification =
  | { type: 'workday' | 'weekend' | 'holiday'; date: string; name: string | null }
  | { type: 'unknown'; date: string; reason: 'year_not_covered'; message: string };

/** The calendar rows in memory, keyed by date, with the time zone that turns instants into dates. */
export interface CalendarTable {
  timeZone: string;
  days: Map<string, CalendarDayRow>;
  /**
   * Years with at least one holiday row, because every published schedule has New Year's Day off.
   * NOTE: one holiday row entered by hand is enough to mark its year covered.
   */
  covered: Set<number>;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns true when the text is a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const match = datePattern.exec(text);
  if (!match) return false;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return day.toISOString().slice(0, 10) === text;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch (error) {
      throw invalid(`Unknown time zone ${timeZone}: use an IANA name such as Asia/Shanghai`, timeZone, { cause: String(error) });
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Returns the local date (YYYY-MM-DD) of a UTC instant in the given IANA time zone. */
export function localDate(instant: number | Date, timeZone: string = defaultCalendarTimeZone): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw invalid('Invalid instant: expected milliseconds since the epoch or a valid Date', instant);
  // The en-CA locale formats dates as YYYY-MM-DD.
  return formatterFor(timeZone).format(ms);
}

/** Builds the in-memory calendar from table rows. Throws on a row whose date is not YYYY-MM-DD. */
export function buildCalendarTable(rows: readonly CalendarDayRow[], timeZone: string = defaultCalendarTimeZone): CalendarTable {
  formatterFor(timeZone);
  const days = new Map<string, CalendarDayRow>();
  const covered = new Set<number>();
  for (const row of rows) {
    if (!isCalendarDate(row.date)) throw invalid(`Invalid calendar date ${row.date}: expected YYYY-MM-DD`, row.date);
    days.set(row.date, row);
    if (row.kind === 'holiday') covered.add(Number(row.date.slice(0, 4)));
  }
  return { timeZone, days, covered };
}

/** Reads calendar_days into memory. */
export async function loadCalendar(db: Kysely<Database>, timeZone: string = defaultCalendarTimeZone): Promise<CalendarTable> {
  const rows = await db.selectFrom('calendar_days').selectAll().execute();
  return buildCalendarTable(rows as CalendarDayRow[], timeZone);
}

function toLocalDate(table: CalendarTable, when: string | number | Date): string {
  if (typeof when !== 'string') return localDate(when, table.timeZone);
  if (!isCalendarDate(when)) throw invalid(`Invalid date ${when}: expected YYYY-MM-DD`, when);
  return when;
}

/**
 * Classifies a day: a string is taken as a local date, a number or Date as a UTC instant
 * that is first converted to a date in the table's time zone. Adjusted working Saturdays
 * and Sundays are workdays. A day in a year without a schedule is 'unknown', never a
 * plain weekday, because its holidays have not been entered yet.
 */
export function dayType(table: CalendarTable, when: string | number | Date): DayClassification {
  const date = toLocalDate(table, when);
  const year = Number(date.slice(0, 4));
  if (!table.covered.has(year)) {
    const message = `No holiday schedule for ${year} in the calendar: enter the State Council's schedule for ${year}`;
    return { type: 'unknown', date, reason: 'year_not_covered', message };
  }
  const row = table.days.get(date);
  if (row) return { type: row.kind, date, name: row.name };
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { type: weekday === 0 || weekday === 6 ? 'weekend' : 'workday', date, name: null };
}

/** Returns the years that have a holiday schedule, ascending. */
export function coveredYears(table: CalendarTable): number[] {
  return [...table.covered].sort((a, b) => a - b);
}

/** Returns the years from `from` to `to` (inclusive) that have no holiday schedule, ascending. */
export function missingYears(table: CalendarTable, from: number, to: number): number[] {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
    throw invalid(`Invalid year range ${from}..${to}: expected two integers with from <= to`, { from, to });
  }
  const missing: number[] = [];
  for (let year = from; year <= to; year++) if (!table.covered.has(year)) missing.push(year);
  return missing;
}

/** An administrator's entry for one date. */
export interface CalendarDayInput {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

/** Inserts or replaces one date as an administrator's row, which later reseeding leaves alone. */
export async function setCalendarDay(db: Kysely<Database>, input: CalendarDayInput): Promise<void> {
  if (!isCalendarDate(input.date)) throw invalid(`Invalid date ${input.date}: expected YYYY-MM-DD`, input.date);
  if (input.kind !== 'holiday' && input.kind !== 'workday') throw invalid(`Invalid day kind ${String(input.kind)}: expected holiday or workday`, input.kind);
  const name = input.name.trim();
  if (name === '') throw invalid(`Missing name for ${input.date}: give the holiday's name`, input.name);

  const row = { date: input.date, kind: input.kind, name, source: 'admin' };
  await db
    .insertInto('calendar_days')
    .values(row)
    .onConflict((c) => c.column('date').doUpdateSet({ kind: row.kind, name: row.name, source: 'admin' }))
    .execute();
}

/** Writes the chinese-days rows again, replacing seed rows and leaving administrators' rows as they are. Returns the rows written. */
export async function reseedCalendar(db: Kysely<Database>, rows: readonly CalendarDayRow[] = chineseDaysSeedRows()): Promise<number> {
  let written = 0;
  for (const row of rows) {
    const result = await db
      .insertInto('calendar_days')
      .values({ ...row, source: 'seed' })
      .onConflict((c) => c.column('date').doUpdateSet({ kind: row.kind, name: row.name }).where('calendar_days.source', '=', 'seed'))
      .executeTakeFirst();
    written += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return written;
}
