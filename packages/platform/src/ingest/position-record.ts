import { hash } from 'node:crypto';
import type { Position } from '@gongche/jt808';

/**
 * The sealed part of a stored position: coordinates, altitude, speed, course and the
 * additional items, which may carry coordinates of their own (ADAS blocks do).
 *
 *   u8 format (1), i32 latitude and i32 longitude in 1e-6 degrees, i32 altitude in metres,
 *   u16 speed in 0.1 km/h, u16 course, then each item as u8 id, u8 length, bytes.
 */
export interface PositionValues {
  latitude: number;
  longitude: number;
  altitudeM: number;
  speedKmh: number;
  course: number;
  /** [item id, value bytes as hex] in frame order. */
  items: [number, string][];
}

const fixedBytes = 17;

export function encodePositionValues(p: Position): Buffer {
  const itemBytes = p.items.reduce((sum, item) => sum + 2 + item.raw.length, 0);
  const out = Buffer.allocUnsafe(fixedBytes + itemBytes);
  out[0] = 1;
  out.writeInt32BE(Math.round(p.latitude * 1e6), 1);
  out.writeInt32BE(Math.round(p.longitude * 1e6), 5);
  out.writeInt32BE(p.altitudeM, 9);
  out.writeUInt16BE(Math.round(p.speedKmh * 10), 13);
  out.writeUInt16BE(p.course, 15);
  let at = fixedBytes;
  for (const item of p.items) {
    out[at] = item.id;
    out[at + 1] = item.raw.length;
    item.raw.copy(out, at + 2);
    at += 2 + item.raw.length;
  }
  return out;
}

export function decodePositionValues(bytes: Buffer): PositionValues {
  if (bytes[0] !== 1 || bytes.length < fixedBytes) throw new Error(`unknown position record format ${bytes[0]}`);
  const items: [number, string][] = [];
  for (let at = fixedBytes; at + 2 <= bytes.length; ) {
    const length = bytes[at + 1]!;
    items.push([bytes[at]!, bytes.subarray(at + 2, at + 2 + length).toString('hex')]);
    at += 2 + length;
  }
  return {
    latitude: bytes.readInt32BE(1) / 1e6,
    longitude: bytes.readInt32BE(5) / 1e6,
    altitudeM: bytes.readInt32BE(9),
    speedKmh: bytes.readUInt16BE(13) / 10,
    course: bytes.readUInt16BE(15),
    items,
  };
}

let lastSecret: Buffer | null = null;
let lastSecretHex = '';

/** Returns the secret as hex, converted once because ingest hashes it for every position. */
function secretHex(secret: Buffer): string {
  if (secret !== lastSecret) {
    lastSecret = secret;
    lastSecretHex = secret.toString('hex');
  }
  return lastSecretHex;
}

/**
 * Identity of a report within its terminal, independent of the message serial, so a resent
 * report is stored once. It is the BCD device time, which orders the unique index by time,
 * then a keyed SM3 digest of the location block, so the key reveals no coordinates.
 */
export function dedupeKey(p: Position, secret: Buffer): string {
  const fields = `${p.alarm}|${p.status}|${p.latitude}|${p.longitude}|${p.altitudeM}|${p.speedKmh}|${p.course}`;
  // A digest of a secret prefix is enough here: the key only has to be equal for equal reports
  // and unguessable from the coordinates, not to authenticate anything.
  const digest = hash('sm3', secretHex(secret) + fields, 'buffer');
  return `${p.timeBcd}|${digest.subarray(0, 12).toString('base64url')}`;
}
