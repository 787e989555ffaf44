import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { notFound, conflict, invalid } from '../errors.ts';
import { buildCalendarTable, isCalendarDate, localDate, missingYears, type CalendarDayRow } from '../rules/calendar.ts';
import { chineseDaysSeedRows } from '../rules/calendar-seed.ts';

export interface CalendarYear {
  year: number;
  /** True when the year has at least one holiday row, so its days are classified. */
  covered: boolean;
  days: CalendarDayRow[];
}

const yearRange = (year: number) => [`${year}-01-01`, `${year}-12-31`] as const;

export function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalid(`Invalid year ${year}: expected a year from 2000 to 2100`, year);
}

/** Lists the holiday and adjusted-working-day rows of one year, by date. */
export async function listYear(db: Kysely<Database>, year: number): Promise<CalendarYear> {
  assertYear(year);
  const [first, last] = yearRange(year);
  const rows = await db.selectFrom('calendar_days').selectAll().where('date', '>=', first).where('date', '<=', last).orderBy('date').execute();
  const days = rows as CalendarDayRow[];
  return { year, covered: days.some((d) => d.kind === 'holiday'), days };
}

/**
 * Removes an administrator's row. Where the seed (chinese-days) has a row for the date, that row
 * comes back, so deleting an override restores the published schedule.
 */
export async function deleteOverride(db: Kysely<Database>, date: string): Promise<{ removed: CalendarDayRow; restored: CalendarDayRow | null }> {
  if (!isCalendarDate(date)) throw invalid(`Invalid date ${date}: expected YYYY-MM-DD`, date);
  const row = await db.selectFrom('calendar_days').selectAll().where('date', '=', date).executeTakeFirst();
  if (!row) throw notFound('Calendar day', date);
  if (row.source !== 'admin') throw conflict(`${date} (${row.name}) comes from the published seed, not from an administrator; override it with PUT instead`, date);
  const seed = chineseDaysSeedRows().find((r) => r.date === date) ?? null;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('calendar_days').where('date', '=', date).execute();
    if (seed) await trx.insertInto('calendar_days').values(seed).execute();
  });
  return { removed: row as CalendarDayRow, restored: seed };
}

export type WarningSeverity = 'critical' | 'warning';

export interface CalendarStatus {
  timeZone: string;
  today: string;
  coveredYears: number[];
  checkedYears: { from: number; to: number };
  missingYears: number[];
  /** One entry per missing year; a dashboard shows these prominently. */
  warnings: { year: number; severity: WarningSeverity; message: string; messageZh: string }[];
}

/**
 * Reports the years without a holiday schedule among the checked ones (default: this year and
 * next). A missing current or past year is critical because its holidays are unknown to the rules
 * today. A missing next year is a warning before December and critical from December on.
 */
export async function calendarStatus(db: Kysely<Database>, timeZone: string, now = Date.now(), range?: { from: number; to: number }): Promise<CalendarStatus> {
  const today = localDate(now, timeZone);
  const thisYear = Number(today.slice(0, 4));
  const checked = range ?? { from: thisYear, to: thisYear + 1 };
  const rows = await db.selectFrom('calendar_days').select(['date', 'kind', 'name', 'source']).where('kind', '=', 'holiday').execute();
  const table = buildCalendarTable(rows as CalendarDayRow[], timeZone);
  const missing = missingYears(table, checked.from, checked.to);
  const december = Number(today.slice(5, 7)) === 12;
  return {
    timeZone,
    today,
    coveredYears: [...table.covered].sort((a, b) => a - b),
    checkedYears: checked,
    missingYears: missing,
    warnings: missing.map((year) => ({
      year,
      severity: year <= thisYear || (year === thisYear + 1 && december) ? 'critical' : 'warning',
      message: `No holiday schedule for ${year}: holiday and weekend rules treat its days as unknown until an administrator enters or imports the State Council's schedule for ${year}`,
      messageZh: `${year} 年节假日安排尚未录入：录入或导入国务院办公厅公布的 ${year} 年放假安排之前，该年各日按“未知”处理，节假日用车等规则无法正常判断`,
    })),
  };
}
