import { invalid } from '../../errors.ts';

const hourMs = 3_600_000;
const dayMs = 86_400_000;

/**
 * Local dates and times of day in one IANA time zone, fast enough for every fix: the UTC offset is
 * asked of Intl once per hour of time and cached, and the rest is arithmetic. The offset read at
 * the start of an hour is used for the whole hour, which is exact for zones whose offsets change
 * on whole or half hours. NOTE: zones with quarter-hour transitions (none in China) would be off
 * for up to 45 minutes around a transition.
 */
export class LocalClock {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  readonly #dates = new Map<number, string>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    try {
      this.#format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch (error) {
      throw invalid(`Unknown time zone ${timeZone}: use an IANA name such as Asia/Shanghai`, timeZone, { cause: String(error) });
    }
  }

  /** Milliseconds to add to a UTC instant to get the local wall-clock time. */
  offsetMs(instant: number): number {
    const hour = Math.floor(instant / hourMs);
    let offset = this.#offsets.get(hour);
    if (offset === undefined) {
      offset = this.#readOffset(hour * hourMs);
      if (this.#offsets.size > 100_000) this.#offsets.clear();
      this.#offsets.set(hour, offset);
    }
    return offset;
  }

  #readOffset(instant: number): number {
    const parts: Record<string, number> = {};
    for (const part of this.#format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return wall - instant;
  }

  /** Local date YYYY-MM-DD of an instant. */
  date(instant: number): string {
    const day = Math.floor((instant + this.offsetMs(instant)) / dayMs);
    let date = this.#dates.get(day);
    if (date === undefined) {
      date = new Date(day * dayMs).toISOString().slice(0, 10);
      if (this.#dates.size > 100_000) this.#dates.clear();
      this.#dates.set(day, date);
    }
    return date;
  }

  /** Minutes after local midnight of an instant, 0 to 1439. */
  minuteOfDay(instant: number): number {
    const local = instant + this.offsetMs(instant);
    return Math.floor((((local % dayMs) + dayMs) % dayMs) / 60_000);
  }

  /** Returns the UTC instant of local midnight at the start of a date YYYY-MM-DD. */
  startOfDate(date: string): number {
    const wall = Date.parse(`${date}T00:00:00Z`);
    return wall - this.offsetMs(wall - this.offsetMs(wall));
  }

  /** Returns the UTC instant of local midnight at the start of an instant's date. */
  startOfDay(instant: number): number {
    const local = instant + this.offsetMs(instant);
    const midnightLocal = local - (((local % dayMs) + dayMs) % dayMs);
    return midnightLocal - this.offsetMs(midnightLocal - this.offsetMs(instant));
  }
}
