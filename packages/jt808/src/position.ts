import { bcdText, decodeBcdTime } from './bcd.ts';
import type { BodyWriter } from './body-writer.ts';
import { Jt808Error } from './errors.ts';
import { decodeItems, encodeItems } from './items.ts';
import type { AdditionalItem, Position } from './types.ts';

/** Size of the basic location block before the additional items. */
export const BASIC_BLOCK = 28;
const SOUTH = 0x04;
const WEST = 0x08;

/**
 * Decodes the location block body[start, end): 28 basic bytes, then additional items.
 * Coordinates take their sign from status bits 2 (south) and 3 (west).
 */
export function decodePosition(body: Buffer, start: number, end: number): Position {
  if (end - start < BASIC_BLOCK) {
    throw new Jt808Error('JT808_ERR_TRUNCATED_BODY', `location block has ${end - start} bytes, the basic block needs ${BASIC_BLOCK}`, end - start);
  }
  const alarm = readU32(body, start);
  const status = readU32(body, start + 4);
  const latitude = readU32(body, start + 8);
  const longitude = readU32(body, start + 12);
  const items: AdditionalItem[] = [];
  const position: Position = {
    alarm,
    status,
    // 0 - x keeps a zero coordinate +0 instead of -0.
    latitude: (status & SOUTH ? 0 - latitude : latitude) / 1e6,
    longitude: (status & WEST ? 0 - longitude : longitude) / 1e6,
    altitudeM: (body[start + 16]! << 8) | body[start + 17]!,
    speedKmh: ((body[start + 18]! << 8) | body[start + 19]!) / 10,
    course: (body[start + 20]! << 8) | body[start + 21]!,
    time: decodeBcdTime(body, start + 22),
    timeBcd: bcdText(body, start + 22, 6),
    fixed: (status & 0x02) !== 0,
    acc: (status & 0x01) !== 0,
    items,
  };
  const truncated = decodeItems(body, start + BASIC_BLOCK, end, items);
  if (truncated) position.truncatedItem = truncated;
  return position;
}

function readU32(bytes: Buffer, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** Writes a location block. The status DWORD is authoritative, so signs, `fixed` and `acc` must agree with it. */
export function encodePosition(writer: BodyWriter, position: Position): void {
  const { status } = position;
  checkAgrees(position.fixed === ((status & 0x02) !== 0), 'fixed', 'status bit 1');
  checkAgrees(position.acc === ((status & 0x01) !== 0), 'acc', 'status bit 0');
  if (position.truncatedItem) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', 'a position with a truncated item cannot be encoded; drop truncatedItem first', position.truncatedItem);
  }
  writer.u32(position.alarm, 'alarm');
  writer.u32(status, 'status');
  writer.u32(coordinate(position.latitude, (status & SOUTH) !== 0, 'latitude', 'status bit 2 (south)'), 'latitude');
  writer.u32(coordinate(position.longitude, (status & WEST) !== 0, 'longitude', 'status bit 3 (west)'), 'longitude');
  writer.u16(position.altitudeM, 'altitudeM');
  writer.u16(Math.round(position.speedKmh * 10), 'speedKmh');
  writer.u16(position.course, 'course');
  if (position.time) writer.time(position.time, 'time');
  else writer.bcdText(position.timeBcd, 6, 'timeBcd');
  encodeItems(writer, position.items);
}

function coordinate(degrees: number, negative: boolean, field: string, bit: string): number {
  checkAgrees(negative ? degrees <= 0 : degrees >= 0, field, bit);
  return Math.round(Math.abs(degrees) * 1e6);
}

function checkAgrees(agrees: boolean, field: string, bit: string): void {
  if (!agrees) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} contradicts ${bit} of the status DWORD`, field);
  }
}
