/** Response shapes of the holiday calendar API (/api/calendar/...). */

export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
  date: string;
  kind: DayKind;
  name: string;
  /** seed: the published schedule shipped with the product; admin: entered or imported by an administrator. */
  source: 'seed' | 'admin';
}

export interface CalendarYear {
  year: number;
  covered: boolean;
  days: CalendarDay[];
}

export interface CalendarStatus {
  timeZone: string;
  today: string;
  coveredYears: number[];
  checkedYears: { from: number; to: number };
  missingYears: number[];
  warnings: { year: number; severity: 'critical' | 'warning'; message: string; messageZh: string }[];
}

export interface CalendarImportResult {
  imported: boolean;
  year: number;
  holidays: number;
  workdays: number;
  replaced: number;
  errors: unknown[];
}
