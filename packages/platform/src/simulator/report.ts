import type { Position } from '@gongche/jt808';
import type { MoverSample } from './mover.ts';
import type { LatLon } from './routes.ts';

/** Alarm bits of the 0x0200 alarm DWORD that the simulator can raise. */
export const ALARM_EMERGENCY = 1 << 0;
export const ALARM_GNSS_ANTENNA_CUT = 1 << 5;
export const ALARM_MAIN_POWER_OFF = 1 << 8;

const STATUS_ACC = 1 << 0;
const STATUS_FIXED = 1 << 1;
const STATUS_GPS = 1 << 18;
const STATUS_BEIDOU = 1 << 19;

/** Additional-information item ids written into every report. */
export const ITEM_MILEAGE = 0x01;
export const ITEM_SIGNAL = 0x30;
export const ITEM_SATELLITES = 0x31;

/** Conditions of the simulated terminal that shape a report besides where the vehicle is. */
export interface ReportConditions {
  alarm: number;
  /** No GNSS fix: the report repeats the last fixed position with status bit 1 clear. */
  fixLost: boolean;
  /** Mobile network signal strength, 0-31. */
  signal: number;
  /** Satellites in use. */
  satellites: number;
  /** Odometer reading before the simulated drive began, km. */
  baseMileageKm: number;
}

/** Altitude of Kashgar city above sea level, metres (about 1,290 m). */
const KASHGAR_ALTITUDE_M = 1290;

/**
 * Builds the location block of a 0x0200 report: coordinates from the sample (or the last fix when
 * the fix is lost), alarm and status DWORDs, and items 0x01 mileage, 0x30 signal, 0x31 satellites.
 */
export function buildPosition(sample: MoverSample, conditions: ReportConditions, lastFix: LatLon, time: Date): Position {
  const fixed = !conditions.fixLost;
  const where = fixed ? sample : lastFix;
  let status = sample.acc ? STATUS_ACC : 0;
  if (fixed) status |= STATUS_FIXED | STATUS_GPS | STATUS_BEIDOU;
  const mileageTenthsKm = Math.round((conditions.baseMileageKm * 1000 + sample.odometerM) / 100);
  const wholeSeconds = new Date(Math.floor(time.getTime() / 1000) * 1000);

  return {
    alarm: conditions.alarm >>> 0,
    status: status >>> 0,
    latitude: round6(where.latitude),
    longitude: round6(where.longitude),
    altitudeM: KASHGAR_ALTITUDE_M,
    speedKmh: fixed ? Math.round(sample.speedKmh * 10) / 10 : 0,
    course: sample.course,
    time: wholeSeconds,
    timeBcd: beijingBcd(wholeSeconds),
    fixed,
    acc: sample.acc,
    items: [
      { id: ITEM_MILEAGE, raw: u32(mileageTenthsKm) },
      { id: ITEM_SIGNAL, raw: Buffer.from([conditions.signal]) },
      { id: ITEM_SATELLITES, raw: Buffer.from([fixed ? conditions.satellites : 0]) },
    ],
  };
}

/** Formats an instant as the 12 BCD digits YYMMDDhhmmss of Beijing time (UTC+8) that JT/T 808 carries. */
export function beijingBcd(time: Date): string {
  const beijing = new Date(time.getTime() + 8 * 3600_000);
  const parts = [beijing.getUTCFullYear() % 100, beijing.getUTCMonth() + 1, beijing.getUTCDate(), beijing.getUTCHours(), beijing.getUTCMinutes(), beijing.getUTCSeconds()];
  return parts.map((n) => String(n).padStart(2, '0')).join('');
}

function round6(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}
