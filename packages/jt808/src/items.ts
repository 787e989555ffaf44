import { decodeBcdTime } from './bcd.ts';
import { Jt808Error } from './errors.ts';
import { vehicleSignals, type VehicleSignals } from './flags.ts';
import type { AdditionalItem } from './types.ts';
import type { BodyWriter } from './body-writer.ts';

/** An item whose declared length runs past its location block; `declared` is -1 when even the length byte is missing. */
export interface TruncatedItem {
  id: number;
  declared: number;
  present: number;
}

const span: { bytes: Buffer; at: number; length: number } = { bytes: Buffer.alloc(0), at: 0, length: 0 };

/**
 * A decoded additional item. Its value bytes become a Buffer view of the body only on the first
 * read of `raw`, because a report carries about a dozen items and one view costs about as much as
 * decoding the rest of the location block. A gateway that stores the raw frame reads none of them.
 */
class DecodedItem implements AdditionalItem {
  readonly id: number;
  readonly #body: Buffer;
  readonly #start: number;
  readonly #end: number;
  #raw: Buffer | undefined;

  constructor(id: number, body: Buffer, start: number, end: number) {
    this.id = id;
    this.#body = body;
    this.#start = start;
    this.#end = end;
  }

  get raw(): Buffer {
    return (this.#raw ??= this.#body.subarray(this.#start, this.#end));
  }

  set raw(value: Buffer) {
    this.#raw = value;
  }

  /**
   * Points `span` at the bytes that contain an item's value, without making a view when it is a
   * decoded item. `span` is one shared object rather than a new one per call, because every caller
   * reads it at once.
   */
  static locate(item: AdditionalItem): void {
    if (#body in item && item.#raw === undefined) {
      span.bytes = item.#body;
      span.at = item.#start;
      span.length = item.#end - item.#start;
    } else {
      span.bytes = item.raw;
      span.at = 0;
      span.length = item.raw.length;
    }
  }

  /** Serialises like a plain `{ id, raw }` item. */
  toJSON(): AdditionalItem {
    return { id: this.id, raw: this.raw };
  }
}

/**
 * Walks id/length/value items in body[start, end) into `items`. Each item is taken by its own
 * declared length, so unknown and vendor items are skipped correctly. Returns the item that
 * overruns `end`, if any; the items before it are kept.
 */
export function decodeItems(body: Buffer, start: number, end: number, items: AdditionalItem[]): TruncatedItem | undefined {
  let at = start;
  while (at < end) {
    const id = body[at]!;
    if (at + 1 >= end) return { id, declared: -1, present: 0 };
    const length = body[at + 1]!;
    const valueStart = at + 2;
    if (valueStart + length > end) return { id, declared: length, present: end - valueStart };
    items.push(new DecodedItem(id, body, valueStart, valueStart + length));
    at = valueStart + length;
  }
  return undefined;
}

export function encodeItems(writer: BodyWriter, items: readonly AdditionalItem[]): void {
  for (const item of items) {
    writer.u8(item.id, 'additional item id');
    if (item.raw.length > 0xff) {
      throw new Jt808Error('JT808_ERR_INVALID_FIELD', `additional item 0x${item.id.toString(16)} has ${item.raw.length} bytes, at most 255 fit`, item.raw.length);
    }
    writer.u8(item.raw.length, 'additional item length');
    writer.bytes(item.raw);
  }
}

/** ADAS alarm block of item 0x64 in its 47-byte layout (7-byte terminal ID in the alarm tag). */
export interface AdasAlarm {
  alarmId: number;
  flagStatus: number;
  eventType: number;
  level: number;
  /** km/h. */
  frontVehicleSpeed: number;
  /** Units of 100 ms. */
  frontDistance: number;
  deviationType: number;
  roadSignType: number;
  roadSignData: number;
  /** km/h. */
  vehicleSpeed: number;
  /** Metres. */
  altitude: number;
  latitude: number;
  longitude: number;
  time: Date | null;
  vehicleStatus: number;
  alarmTag: { terminalId: string; time: Date | null; sequence: number; attachmentCount: number; reserved: number };
}

/** Scaled value of a standard additional item; at most one key is present. */
export interface ItemValue {
  /** 0x01, DWORD in 0.1 km. */
  mileageKm?: number;
  /** 0x02, WORD in 0.1 L. */
  fuelL?: number;
  /** 0x03, WORD in 0.1 km/h. */
  recorderSpeedKmh?: number;
  /** 0x04, id of the alarm event that needs manual confirmation. */
  alarmEventId?: number;
  /** 0x11: location type 0 (none), 1 circle, 2 rectangle, 3 polygon, 4 route; area id unless type 0. */
  overspeed?: { locationType: number; areaId?: number };
  /** 0x12: location type, area or route id, direction 0 in / 1 out. */
  areaInOut?: { locationType: number; areaId: number; direction: number };
  /** 0x13: route section id, driving time in s, result 0 too short / 1 too long. */
  routeDrivingTime?: { routeId: number; drivingTimeS: number; result: number };
  /** 0x25. */
  vehicleSignals?: VehicleSignals;
  /** 0x2A. */
  ioStatus?: { deepSleep: boolean; sleep: boolean };
  /** 0x2B: AD0 in bits 0-15, AD1 in bits 16-31. */
  analog?: { ad0: number; ad1: number };
  /** 0x30. */
  signalStrength?: number;
  /** 0x31. */
  satellites?: number;
  /** 0x64 at 47 bytes. */
  adas?: AdasAlarm;
}

/** Decodes a standard item at its standard length; returns undefined for other ids and lengths. */
export function decodeItemValue(item: AdditionalItem): ItemValue | undefined {
  // Read in place: a decoded item's value is read from the frame without a Buffer view of its own.
  DecodedItem.locate(item);
  const { bytes: b, at, length } = span;
  switch (item.id) {
    case 0x01: return length === 4 ? { mileageKm: b.readUInt32BE(at) / 10 } : undefined;
    case 0x02: return length === 2 ? { fuelL: b.readUInt16BE(at) / 10 } : undefined;
    case 0x03: return length === 2 ? { recorderSpeedKmh: b.readUInt16BE(at) / 10 } : undefined;
    case 0x04: return length === 2 ? { alarmEventId: b.readUInt16BE(at) } : undefined;
    case 0x11: return decodeOverspeed(b, at, length);
    case 0x12:
      return length === 6 ? { areaInOut: { locationType: b[at]!, areaId: b.readUInt32BE(at + 1), direction: b[at + 5]! } } : undefined;
    case 0x13:
      return length === 7 ? { routeDrivingTime: { routeId: b.readUInt32BE(at), drivingTimeS: b.readUInt16BE(at + 4), result: b[at + 6]! } } : undefined;
    case 0x25: return length === 4 ? { vehicleSignals: vehicleSignals(b.readUInt32BE(at)) } : undefined;
    case 0x2a: return length === 2 ? { ioStatus: { deepSleep: (b[at + 1]! & 1) === 1, sleep: (b[at + 1]! & 2) === 2 } } : undefined;
    case 0x2b: return length === 4 ? { analog: { ad0: b.readUInt16BE(at + 2), ad1: b.readUInt16BE(at) } } : undefined;
    case 0x30: return length === 1 ? { signalStrength: b[at]! } : undefined;
    case 0x31: return length === 1 ? { satellites: b[at]! } : undefined;
    case 0x64: return length === 47 ? { adas: decodeAdas(item.raw) } : undefined;
    default: return undefined;
  }
}

function decodeOverspeed(b: Buffer, at: number, length: number): ItemValue | undefined {
  if (length === 1 && b[at] === 0) return { overspeed: { locationType: 0 } };
  if (length === 5) return { overspeed: { locationType: b[at]!, areaId: b.readUInt32BE(at + 1) } };
  return undefined;
}

function decodeAdas(raw: Buffer): AdasAlarm {
  return {
    alarmId: raw.readUInt32BE(0),
    flagStatus: raw[4]!,
    eventType: raw[5]!,
    level: raw[6]!,
    frontVehicleSpeed: raw[7]!,
    frontDistance: raw[8]!,
    deviationType: raw[9]!,
    roadSignType: raw[10]!,
    roadSignData: raw[11]!,
    vehicleSpeed: raw[12]!,
    altitude: raw.readUInt16BE(13),
    latitude: raw.readUInt32BE(15) / 1e6,
    longitude: raw.readUInt32BE(19) / 1e6,
    time: decodeBcdTime(raw, 23),
    vehicleStatus: raw.readUInt16BE(29),
    alarmTag: {
      terminalId: raw.toString('latin1', 31, 38).replace(/\0+$/, ''),
      time: decodeBcdTime(raw, 38),
      sequence: raw[44]!,
      attachmentCount: raw[45]!,
      reserved: raw[46]!,
    },
  };
}
