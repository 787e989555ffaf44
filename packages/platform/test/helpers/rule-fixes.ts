import type { PlaceShape } from '../../src/rules/places.ts';
import type { FixSpec } from './rules-harness.ts';

/** A point as latitude and longitude (WGS-84). */
export interface Point {
  latitude: number;
  longitude: number;
}

/** Points in Kashgar city used by the scenarios. */
export const kashgar = {
  /** Near the prefecture's administrative offices. */
  office: { latitude: 39.4704, longitude: 75.9897 },
  /** About 2 km east of the office. */
  hotel: { latitude: 39.4704, longitude: 76.0130 },
  /** About 3 km south of the office. */
  school: { latitude: 39.4434, longitude: 75.9897 },
  /** About 5 km north-east of the office. */
  market: { latitude: 39.5030, longitude: 76.0200 },
} as const;

const metresPerDegreeLat = 111_320;

/** Moves a point by metres north and east (flat approximation, fine over a few kilometres). */
export function offset(point: Point, northM: number, eastM: number): Point {
  return {
    latitude: point.latitude + northM / metresPerDegreeLat,
    longitude: point.longitude + eastM / (metresPerDegreeLat * Math.cos((point.latitude * Math.PI) / 180)),
  };
}

/** Builds a circle place shape. */
export const circle = (at: Point, radiusM: number): PlaceShape => ({ kind: 'circle', latitude: at.latitude, longitude: at.longitude, radiusM });

/** Builds a square polygon place shape centred on a point. */
export function square(at: Point, sideM: number): PlaceShape {
  const h = sideM / 2;
  const corners = [offset(at, -h, -h), offset(at, -h, h), offset(at, h, h), offset(at, h, -h)];
  return { kind: 'polygon', rings: [corners.map((c) => [c.longitude, c.latitude] as const)] };
}

/**
 * Fixes of a parked vehicle: ACC off, speed 0, every intervalS for the given minutes, the first one
 * interval after start (like drive, so that parts chain with endOf). With driftM the fixes wander around the point (as a parked receiver's do), up to driftM away,
 * in a fixed pattern so that tests are repeatable.
 */
export function park(options: { at: Point; start: number; minutes: number; intervalS?: number; driftM?: number; acc?: boolean }): FixSpec[] {
  const intervalS = options.intervalS ?? 60;
  const count = Math.floor((options.minutes * 60) / intervalS);
  const drift = options.driftM ?? 0;
  const fixes: FixSpec[] = [];
  for (let i = 1; i <= count; i++) {
    const angle = i * 2.399963; // golden angle, spreads the drift around the point
    const radius = drift * (((i * 7) % 10) / 9);
    const at = offset(options.at, radius * Math.sin(angle), radius * Math.cos(angle));
    fixes.push({ time: options.start + i * intervalS * 1000, ...at, speedKmh: 0, acc: options.acc ?? false });
  }
  return fixes;
}

/** Fixes of a drive in a straight line from one point to another at a steady speed; excludes the start point, includes the end. */
export function drive(options: { from: Point; to: Point; start: number; speedKmh?: number; intervalS?: number }): FixSpec[] {
  const speedKmh = options.speedKmh ?? 40;
  const intervalS = options.intervalS ?? 30;
  const dLat = options.to.latitude - options.from.latitude;
  const dLon = options.to.longitude - options.from.longitude;
  const northM = dLat * metresPerDegreeLat;
  const eastM = dLon * metresPerDegreeLat * Math.cos((options.from.latitude * Math.PI) / 180);
  const lengthM = Math.hypot(northM, eastM);
  const steps = Math.max(1, Math.ceil(lengthM / ((speedKmh / 3.6) * intervalS)));
  const fixes: FixSpec[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    fixes.push({ time: options.start + i * intervalS * 1000, latitude: options.from.latitude + dLat * t, longitude: options.from.longitude + dLon * t, speedKmh, acc: true });
  }
  return fixes;
}

/** Device time (UTC ms) of a Beijing wall-clock time, e.g. beijing('2026-03-02 09:30'). */
export function beijing(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`expected YYYY-MM-DD HH:MM[:SS], got ${text}`);
  const [, y, mo, d, h, mi, s] = match;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h) - 8, Number(mi), Number(s ?? 0));
}

/** The time of the last fix of a list, to chain the next part of a scenario after it. */
export const endOf = (fixes: readonly FixSpec[]): number => new Date(fixes[fixes.length - 1]!.time).getTime();
