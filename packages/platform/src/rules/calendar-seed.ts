import chineseDays from 'chinese-days';

/** One row of the holiday and adjusted-working-day (调休) table. */
export interface CalendarDayRow {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** 'holiday': a statutory day off. 'workday': a Saturday or Sunday that is a working day. */
  kind: 'holiday' | 'workday';
  name: string;
  source: 'seed' | 'admin';
}

// chinese-days 1.5.7 is CommonJS, so only its default import works under Node ESM.
const { getDayDetail } = chineseDays;

/** Years scanned for seed rows. chinese-days 1.5.7 holds 2004 to 2026 and falls back to plain weekdays elsewhere. */
const seedScanYears = { from: 2000, to: 2040 };

const weekdayNames = new Set(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']);

/** Turns chinese-days' "Spring Festival,春节,4" into "春节 Spring Festival". */
function festivalName(raw: string): string {
  const [english, chinese] = raw.split(',');
  return chinese ? `${chinese} ${english}` : raw;
}

/** Returns the seed row for one date, or null when chinese-days has only the plain weekday rule for it. */
function seedRow(date: string): CalendarDayRow | null {
  const detail = getDayDetail(date);
  if (weekdayNames.has(detail.name)) return null;
  return { date, kind: detail.work ? 'workday' : 'holiday', name: festivalName(detail.name), source: 'seed' };
}

function* datesOfYear(year: number): Generator<string> {
  for (let day = new Date(Date.UTC(year, 0, 1)); day.getUTCFullYear() === year; day = new Date(day.getTime() + 86_400_000)) {
    yield day.toISOString().slice(0, 10);
  }
}

/**
 * Lists every statutory holiday and adjusted working day that chinese-days 1.5.7 holds,
 * for every year it covers. Years it does not cover yield no rows, so they stay missing.
 */
export function chineseDaysSeedRows(): CalendarDayRow[] {
  const rows: CalendarDayRow[] = [];
  for (let year = seedScanYears.from; year <= seedScanYears.to; year++) {
    for (const date of datesOfYear(year)) {
      const row = seedRow(date);
      if (row) rows.push(row);
    }
  }
  return rows;
}
