import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { isCalendarDate, type CalendarDayRow } from '../rules/calendar.ts';
import { decodeCsv, parseCsv } from '../registry/import-file.ts';
import { assertYear } from './admin.ts';

/** One problem of a schedule file: where (line or entry), the value and why. */
export interface CalendarImportError {
  location: string;
  value: string | null;
  reason: string;
}

export interface CalendarImportResult {
  imported: boolean;
  year: number;
  holidays: number;
  workdays: number;
  /** Rows of the year that the import replaced. */
  replaced: number;
  errors: CalendarImportError[];
}

/** One entry as written: a date or a range, a kind and a name. */
interface Entry {
  location: string;
  date: string;
  to: string | undefined;
  kind: string;
  name: string;
}

const kindWords: Record<string, 'holiday' | 'workday'> = {
  holiday: 'holiday',
  放假: 'holiday',
  休息: 'holiday',
  休: 'holiday',
  节假日: 'holiday',
  workday: 'workday',
  上班: 'workday',
  补班: 'workday',
  调休上班: 'workday',
  班: 'workday',
};

function entriesFromJson(text: string, errors: CalendarImportError[]): Entry[] {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    errors.push({ location: 'file', value: null, reason: `not valid JSON: ${(error as Error).message}` });
    return [];
  }
  const days = Array.isArray(document) ? document : (document as { days?: unknown })?.days;
  if (!Array.isArray(days)) {
    errors.push({ location: 'file', value: null, reason: 'expected {"days": [...]} or an array of {date | from,to, kind, name}' });
    return [];
  }
  return days.map((day, index) => {
    const d = (typeof day === 'object' && day !== null ? day : {}) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
    return { location: `entry ${index + 1}`, date: text(d.date) || text(d.from), to: text(d.to) || undefined, kind: text(d.kind), name: text(d.name) };
  });
}

function entriesFromCsv(bytes: Buffer, errors: CalendarImportError[]): Entry[] {
  const table = parseCsv(decodeCsv(bytes)).filter((row) => row.cells.some((c) => c.trim() !== ''));
  const header = table[0];
  const columns = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const index = (names: string[]) => columns.findIndex((c) => names.includes(c));
  const dateColumn = index(['date', '日期']);
  const kindColumn = index(['kind', 'type', '类型']);
  const nameColumn = index(['name', '名称', '节日']);
  if (!header || dateColumn < 0 || kindColumn < 0 || nameColumn < 0) {
    errors.push({ location: 'line 1', value: header?.cells.join(',') ?? null, reason: 'expected the header date,kind,name (or 日期,类型,名称)' });
    return [];
  }
  return table.slice(1).map((row) => {
    const [date, to] = (row.cells[dateColumn] ?? '').trim().split(/\s*(?:~|～|至|\.\.)\s*/);
    return { location: `line ${row.rowNumber}`, date: date ?? '', to, kind: (row.cells[kindColumn] ?? '').trim(), name: (row.cells[nameColumn] ?? '').trim() };
  });
}

/** Expands and checks entries into rows of the year; reports each bad entry. */
function rowsOfYear(entries: Entry[], year: number, errors: CalendarImportError[]): CalendarDayRow[] {
  const rows = new Map<string, { row: CalendarDayRow; location: string }>();
  for (const entry of entries) {
    const report = (value: string | null, reason: string) => errors.push({ location: entry.location, value, reason });
    const kind = kindWords[entry.kind.toLowerCase()];
    if (!kind) report(entry.kind || null, 'unknown kind; use holiday (放假) or workday (上班/补班)');
    if (entry.name === '') report(null, 'missing name, e.g. 春节');
    const last = entry.to ?? entry.date;
    const bad = [entry.date, last].find((date) => !isCalendarDate(date));
    if (bad !== undefined) {
      report(bad || null, 'not a date; write YYYY-MM-DD, or a range YYYY-MM-DD~YYYY-MM-DD');
      continue;
    }
    if (last < entry.date) {
      report(`${entry.date}~${last}`, 'the range ends before it starts');
      continue;
    }
    if (!entry.date.startsWith(`${year}-`) || !last.startsWith(`${year}-`)) {
      report(entry.to ? `${entry.date}~${last}` : entry.date, `outside ${year}; a schedule file holds one year`);
      continue;
    }
    if (!kind || entry.name === '') continue;
    for (let day = Date.parse(`${entry.date}T00:00:00Z`); ; day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      if (date > last) break;
      const weekday = new Date(day).getUTCDay();
      if (kind === 'workday' && weekday !== 0 && weekday !== 6) {
        report(date, 'an adjusted working day (调休上班) must be a Saturday or Sunday; ordinary weekdays need no entry');
        continue;
      }
      const earlier = rows.get(date);
      if (earlier) report(date, `the date is also given by ${earlier.location}`);
      else rows.set(date, { row: { date, kind, name: entry.name, source: 'admin' }, location: entry.location });
    }
  }
  const result = [...rows.values()].map((r) => r.row).sort((a, b) => a.date.localeCompare(b.date));
  if (errors.length === 0 && !result.some((r) => r.kind === 'holiday')) {
    errors.push({ location: 'file', value: null, reason: `no holiday for ${year}; every published schedule has at least New Year's Day (元旦)` });
  }
  return result;
}

/**
 * Replaces a year's holiday schedule with the rows of a JSON or CSV file, all or nothing.
 * The imported rows are administrators' rows, so reseeding from chinese-days leaves them alone.
 */
export async function importYear(db: Kysely<Database>, year: number, format: 'json' | 'csv', bytes: Buffer, options: { dryRun?: boolean } = {}): Promise<CalendarImportResult> {
  assertYear(year);
  const errors: CalendarImportError[] = [];
  const entries = format === 'json' ? entriesFromJson(bytes.toString('utf8'), errors) : entriesFromCsv(bytes, errors);
  const rows = errors.length > 0 ? [] : rowsOfYear(entries, year, errors);
  const holidays = rows.filter((r) => r.kind === 'holiday').length;
  const summary = { year, holidays, workdays: rows.length - holidays };
  const [first, last] = [`${year}-01-01`, `${year}-12-31`];
  const existing = await db.selectFrom('calendar_days').select((eb) => eb.fn.countAll<number>().as('n')).where('date', '>=', first).where('date', '<=', last).executeTakeFirstOrThrow();
  if (errors.length > 0 || options.dryRun) return { imported: false, ...summary, replaced: Number(existing.n), errors };
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('calendar_days').where('date', '>=', first).where('date', '<=', last).execute();
    for (let i = 0; i < rows.length; i += 200) await trx.insertInto('calendar_days').values(rows.slice(i, i + 200)).execute();
  });
  return { imported: true, ...summary, replaced: Number(existing.n), errors };
}
