import type { Position } from '@gongche/jt808';

/** Formats a UTC instant as the 12-digit BCD Beijing time a terminal would send. */
export function beijingBcd(time: Date): string {
  const t = new Date(time.getTime() + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(t.getUTCFullYear() % 100)}${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())}${two(t.getUTCHours())}${two(t.getUTCMinutes())}${two(t.getUTCSeconds())}`;
}

/** Builds a fixed position near Kashgar's People's Square with ACC on; fields may be overridden. */
export function position(overrides: Partial<Position> & { time?: Date } = {}): Position {
  const time = overrides.time ?? new Date(Math.floor(Date.now() / 1000) * 1000);
  const fixed = overrides.fixed ?? true;
  const acc = overrides.acc ?? true;
  return {
    alarm: 0,
    latitude: 39.467712,
    longitude: 75.993823,
    altitudeM: 1289,
    speedKmh: 36.5,
    course: 90,
    items: [],
    ...overrides,
    status: overrides.status ?? ((acc ? 1 : 0) | (fixed ? 2 : 0)),
    fixed,
    acc,
    time,
    timeBcd: beijingBcd(time),
  };
}
