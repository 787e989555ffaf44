import { defaultCalendarTimeZone } from '../rules/calendar.ts';

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a time zone from UTC at an instant, in milliseconds (+8 h for Asia/Shanghai). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return (match[1] === '-' ? -minutes : minutes) * 60_000;
}

/** Converts a wall-clock time in a time zone to its UTC instant; fields as in Date.UTC (month from 0). */
export function wallTimeToInstant(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string = defaultCalendarTimeZone): number {
  const asUtc = Date.UTC(year, month, day, hour, minute, second);
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  // A second pass corrects the guess near a daylight-saving change; China has none, other zones may.
  return asUtc - zoneOffsetMs(first, timeZone);
}

const localPattern = /^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?(?:[ T]+(\d{1,2})[:时](\d{2})(?:[:分](\d{2}))?秒?)?$/;

/**
 * Reads a time as people write it in trip order files: ISO-8601 with an offset or Z, or a local
 * wall time "2025-05-06 09:30", "2025/5/6 9:30" or "2025年5月6日 9:30" in the given time zone.
 * Returns null for any other text and for dates that do not exist.
 */
export function parseOrderTime(text: string, timeZone: string = defaultCalendarTimeZone): number | null {
  const trimmed = text.trim();
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(trimmed) && trimmed.includes('T')) {
    const ms = Date.parse(trimmed);
    return Number.isFinite(ms) ? ms : null;
  }
  const match = localPattern.exec(trimmed);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1) return null;
  return wallTimeToInstant(year, month - 1, day, hour, minute, second, timeZone);
}

/** Reads a spreadsheet date cell: exceljs returns the wall time as if it were UTC, so its UTC fields are the local time. */
export function excelDateToInstant(value: Date, timeZone: string = defaultCalendarTimeZone): number {
  // Excel stores times as fractions of a day, so 09:30 may read back as 09:29:59.999.
  const wall = new Date(Math.round(value.getTime() / 1000) * 1000);
  return wallTimeToInstant(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), timeZone);
}
