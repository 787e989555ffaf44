import { Jt808Error } from './errors.ts';

const HEX = '0123456789abcdef';
/** Two hex characters per byte: the BCD digits for valid bytes, the raw nibbles otherwise. */
const PAIR: string[] = [];
/** Value 0-99 of a valid BCD byte, -1 when a nibble is above 9. */
const VALUE = new Int8Array(256);
/** Character codes of the high and low nibble of each byte. */
const HIGH_CHAR = new Uint8Array(256);
const LOW_CHAR = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  const high = byte >> 4;
  const low = byte & 0x0f;
  PAIR.push(HEX[high]! + HEX[low]!);
  VALUE[byte] = high > 9 || low > 9 ? -1 : high * 10 + low;
  HIGH_CHAR[byte] = HEX.charCodeAt(high);
  LOW_CHAR[byte] = HEX.charCodeAt(low);
}

const DAY_MS = 86400000;
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days before each month in a common year. */
const MONTH_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
/** Days from 1970-01-01 to 1 January of 2000 + index. */
const YEAR_START = new Float64Array(100);
for (let year = 0; year < 100; year++) YEAR_START[year] = Date.UTC(2000 + year, 0, 1) / DAY_MS;

/** Returns the nibbles of `length` bytes as text, hex letters included, for evidence fields. */
export function bcdText(bytes: Uint8Array, offset: number, length: number): string {
  if (length === 6) return bcdText6(bytes, offset);
  let text = '';
  for (let i = offset; i < offset + length; i++) text += PAIR[bytes[i]!]!;
  return text;
}

/** Six bytes (a BCD time or a 2013 phone number) as one string allocation. */
function bcdText6(bytes: Uint8Array, at: number): string {
  const b0 = bytes[at]!, b1 = bytes[at + 1]!, b2 = bytes[at + 2]!, b3 = bytes[at + 3]!, b4 = bytes[at + 4]!, b5 = bytes[at + 5]!;
  return String.fromCharCode(
    HIGH_CHAR[b0]!, LOW_CHAR[b0]!, HIGH_CHAR[b1]!, LOW_CHAR[b1]!, HIGH_CHAR[b2]!, LOW_CHAR[b2]!,
    HIGH_CHAR[b3]!, LOW_CHAR[b3]!, HIGH_CHAR[b4]!, LOW_CHAR[b4]!, HIGH_CHAR[b5]!, LOW_CHAR[b5]!,
  );
}

/** Decodes strict BCD digits; throws JT808_ERR_BCD when a nibble is above 9. */
export function decodeBcd(bytes: Uint8Array, offset: number, length: number, field: string): string {
  for (let i = offset; i < offset + length; i++) {
    const byte = bytes[i]!;
    if (VALUE[byte]! < 0) {
      throw new Jt808Error('JT808_ERR_BCD', `invalid BCD byte 0x${PAIR[byte]} in ${field}`, byte);
    }
  }
  return bcdText(bytes, offset, length);
}

/**
 * Reads a BCD YYMMDDhhmmss Beijing time (UTC+8) as a UTC Date, or null when a nibble is above 9
 * or the fields do not form a valid date. Years are 2000-2099.
 */
export function decodeBcdTime(bytes: Uint8Array, offset: number): Date | null {
  const year = VALUE[bytes[offset]!]!;
  const month = VALUE[bytes[offset + 1]!]!;
  const day = VALUE[bytes[offset + 2]!]!;
  const hour = VALUE[bytes[offset + 3]!]!;
  const minute = VALUE[bytes[offset + 4]!]!;
  const second = VALUE[bytes[offset + 5]!]!;
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return null;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  const leapDay = (year & 3) === 0 && month > 1 ? 1 : 0;
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 ? leapDay : 0)) return null;
  // Every year from 2000 to 2099 divisible by 4 is a leap year.
  const days = YEAR_START[year]! + MONTH_START[month - 1]! + (month > 2 ? leapDay : 0) + day - 1;
  return new Date(days * DAY_MS + hour * 3600000 + minute * 60000 + second * 1000 - BEIJING_OFFSET_MS);
}

/** Like decodeBcdTime but throws JT808_ERR_BCD, for fields where no tolerant reading is defined. */
export function decodeBcdTimeStrict(bytes: Uint8Array, offset: number, field: string): Date {
  const time = decodeBcdTime(bytes, offset);
  if (time === null) {
    throw new Jt808Error('JT808_ERR_BCD', `invalid BCD time ${bcdText(bytes, offset, 6)} in ${field}`);
  }
  return time;
}

/** Writes `digits` as `length` BCD bytes, left-padded with zeros. */
export function encodeBcd(digits: string, out: Uint8Array, offset: number, length: number, field: string): void {
  if (!/^[0-9]*$/.test(digits) || digits.length > length * 2) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} must be at most ${length * 2} decimal digits, got "${digits}"`, digits);
  }
  const padded = digits.padStart(length * 2, '0');
  for (let i = 0; i < length; i++) {
    out[offset + i] = ((padded.charCodeAt(2 * i) - 48) << 4) | (padded.charCodeAt(2 * i + 1) - 48);
  }
}

/** Writes `hex` (an evidence string from bcdText, hex letters allowed) back as bytes. */
export function encodeBcdText(hex: string, out: Uint8Array, offset: number, length: number, field: string): void {
  if (!new RegExp(`^[0-9a-fA-F]{${length * 2}}$`).test(hex)) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} must be ${length * 2} hex digits, got "${hex}"`, hex);
  }
  Buffer.from(hex, 'hex').copy(out, offset);
}

/** Writes a Date as BCD YYMMDDhhmmss in Beijing time (UTC+8); years must be 2000-2099. */
export function encodeBcdTime(time: Date, out: Uint8Array, offset: number, field: string): void {
  const ms = time.getTime();
  if (!Number.isFinite(ms) || ms % 1000 !== 0) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} must be a valid time in whole seconds`, time);
  }
  const beijing = new Date(ms + BEIJING_OFFSET_MS);
  const year = beijing.getUTCFullYear() - 2000;
  if (year < 0 || year > 99) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} must fall in 2000-2099 Beijing time`, time);
  }
  const fields = [year, beijing.getUTCMonth() + 1, beijing.getUTCDate(), beijing.getUTCHours(), beijing.getUTCMinutes(), beijing.getUTCSeconds()];
  for (let i = 0; i < 6; i++) {
    const value = fields[i]!;
    out[offset + i] = (Math.floor(value / 10) << 4) | (value % 10);
  }
}
