import type { BodyReader } from '../body-reader.ts';
import type { BodyWriter } from '../body-writer.ts';
import type { CircleArea, DeleteAreas, HeaderInit, RectangleArea, SetPolygonArea } from '../types.ts';
import { invalidField, rejectField, type CodecTable } from './codec.ts';

/** Area attribute bit 0: the area applies between startTime and endTime. */
const BY_TIME = 0x0001;
/** Area attribute bit 1: speed limit fields follow. */
const SPEED_LIMIT = 0x0002;

interface AreaLimits {
  startTime?: Date;
  endTime?: Date;
  maxSpeedKmh?: number;
  overspeedDurationS?: number;
  nightMaxSpeedKmh?: number;
}

function readLimits(reader: BodyReader, attributes: number, is2019: boolean, limits: AreaLimits): void {
  if (attributes & BY_TIME) {
    limits.startTime = reader.timeStrict('area start time');
    limits.endTime = reader.timeStrict('area end time');
  }
  if (attributes & SPEED_LIMIT) {
    limits.maxSpeedKmh = reader.u16('max speed');
    limits.overspeedDurationS = reader.u8('overspeed duration');
    if (is2019) limits.nightMaxSpeedKmh = reader.u16('night max speed');
  }
}

/** Writes the optional time and speed fields; they must be present exactly when their attribute bit is set. */
function writeLimits(writer: BodyWriter, attributes: number, is2019: boolean, limits: AreaLimits): void {
  const byTime = (attributes & BY_TIME) !== 0;
  requirePresence(byTime, limits.startTime !== undefined && limits.endTime !== undefined, 'startTime and endTime', 'bit 0');
  if (byTime) writer.time(limits.startTime!, 'startTime').time(limits.endTime!, 'endTime');

  const limited = (attributes & SPEED_LIMIT) !== 0;
  requirePresence(limited, limits.maxSpeedKmh !== undefined && limits.overspeedDurationS !== undefined, 'maxSpeedKmh and overspeedDurationS', 'bit 1');
  if (!is2019) rejectField(limits.nightMaxSpeedKmh !== undefined, 'nightMaxSpeedKmh', '2013');
  if (!limited) return;
  writer.u16(limits.maxSpeedKmh!, 'maxSpeedKmh').u8(limits.overspeedDurationS!, 'overspeedDurationS');
  if (is2019) writer.u16(limits.nightMaxSpeedKmh ?? 0, 'nightMaxSpeedKmh');
}

function requirePresence(bitSet: boolean, present: boolean, fields: string, bit: string): void {
  if (bitSet !== present) {
    throw invalidField(`${fields} must be given exactly when attribute ${bit} is set`, fields);
  }
}

/** Coordinates in area messages are unsigned DWORDs of 1e-6 degrees. */
function readDegrees(reader: BodyReader, field: string): number {
  return reader.u32(field) / 1e6;
}

function writeDegrees(writer: BodyWriter, degrees: number, field: string): void {
  if (!(degrees >= 0)) throw invalidField(`${field} must be a non-negative number of degrees, got ${degrees}`, degrees);
  writer.u32(Math.round(degrees * 1e6), field);
}

function readName(reader: BodyReader, is2019: boolean): { name?: string } {
  return is2019 ? { name: reader.textOf(reader.u16('area name length'), 'area name') } : {};
}

function writeName(writer: BodyWriter, is2019: boolean, name: string | undefined): void {
  if (is2019) writer.prefixedText(name ?? '', 2, 'name');
  else rejectField(name !== undefined, 'name', '2013');
}

function readCircle(reader: BodyReader, is2019: boolean): CircleArea {
  const area: CircleArea = {
    id: reader.u32('area id'),
    attributes: reader.u16('area attributes'),
    latitude: readDegrees(reader, 'latitude'),
    longitude: readDegrees(reader, 'longitude'),
    radiusM: reader.u32('radius'),
  };
  readLimits(reader, area.attributes, is2019, area);
  return Object.assign(area, readName(reader, is2019));
}

function writeCircle(writer: BodyWriter, area: CircleArea, is2019: boolean): void {
  writer.u32(area.id, 'id').u16(area.attributes, 'attributes');
  writeDegrees(writer, area.latitude, 'latitude');
  writeDegrees(writer, area.longitude, 'longitude');
  writer.u32(area.radiusM, 'radiusM');
  writeLimits(writer, area.attributes, is2019, area);
  writeName(writer, is2019, area.name);
}

function readRectangle(reader: BodyReader, is2019: boolean): RectangleArea {
  const area: RectangleArea = {
    id: reader.u32('area id'),
    attributes: reader.u16('area attributes'),
    topLeft: { latitude: readDegrees(reader, 'top-left latitude'), longitude: readDegrees(reader, 'top-left longitude') },
    bottomRight: { latitude: readDegrees(reader, 'bottom-right latitude'), longitude: readDegrees(reader, 'bottom-right longitude') },
  };
  readLimits(reader, area.attributes, is2019, area);
  return Object.assign(area, readName(reader, is2019));
}

function writeRectangle(writer: BodyWriter, area: RectangleArea, is2019: boolean): void {
  writer.u32(area.id, 'id').u16(area.attributes, 'attributes');
  writeDegrees(writer, area.topLeft.latitude, 'topLeft.latitude');
  writeDegrees(writer, area.topLeft.longitude, 'topLeft.longitude');
  writeDegrees(writer, area.bottomRight.latitude, 'bottomRight.latitude');
  writeDegrees(writer, area.bottomRight.longitude, 'bottomRight.longitude');
  writeLimits(writer, area.attributes, is2019, area);
  writeName(writer, is2019, area.name);
}

function readPolygon(reader: BodyReader, is2019: boolean): SetPolygonArea {
  const id = reader.u32('area id');
  const attributes = reader.u16('area attributes');
  const limits: AreaLimits = {};
  readLimits(reader, attributes, is2019, limits);
  const count = reader.u16('vertex count');
  const vertices: SetPolygonArea['vertices'] = [];
  for (let i = 0; i < count; i++) {
    vertices.push({ latitude: readDegrees(reader, 'vertex latitude'), longitude: readDegrees(reader, 'vertex longitude') });
  }
  return { id, attributes, ...limits, vertices, ...readName(reader, is2019) };
}

function writePolygon(writer: BodyWriter, area: SetPolygonArea, is2019: boolean): void {
  writer.u32(area.id, 'id').u16(area.attributes, 'attributes');
  writeLimits(writer, area.attributes, is2019, area);
  writer.u16(area.vertices.length, 'vertex count');
  for (const vertex of area.vertices) {
    writeDegrees(writer, vertex.latitude, 'vertex latitude');
    writeDegrees(writer, vertex.longitude, 'vertex longitude');
  }
  writeName(writer, is2019, area.name);
}

function readAreaList<T>(reader: BodyReader, is2019: boolean, readArea: (reader: BodyReader, is2019: boolean) => T): { action: number; areas: T[] } {
  const action = reader.u8('set-area action');
  const count = reader.u8('area count');
  const areas: T[] = [];
  for (let i = 0; i < count; i++) areas.push(readArea(reader, is2019));
  return { action, areas };
}

function writeAreaList<T>(writer: BodyWriter, header: HeaderInit, list: { action: number; areas: readonly T[] }, writeArea: (writer: BodyWriter, area: T, is2019: boolean) => void): void {
  writer.u8(list.action, 'action').u8(list.areas.length, 'area count');
  for (const area of list.areas) writeArea(writer, area, header.edition === '2019');
}

/** 0x8601, 0x8603, 0x8605: count BYTE then area ids; a count of 0 deletes every area of the kind. */
const deleteAreas = {
  decode(reader: BodyReader): DeleteAreas {
    const count = reader.u8('area count');
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(reader.u32('area id'));
    return { ids };
  },
  encode(body: DeleteAreas, writer: BodyWriter): void {
    writer.u8(body.ids.length, 'area count');
    for (const id of body.ids) writer.u32(id, 'area id');
  },
};

export const areaCodecs: CodecTable<0x8600 | 0x8601 | 0x8602 | 0x8603 | 0x8604 | 0x8605> = {
  0x8600: {
    decode: (reader, header) => readAreaList(reader, header.edition === '2019', readCircle),
    encode: (body, writer, header) => writeAreaList(writer, header, body, writeCircle),
  },
  0x8601: deleteAreas,
  0x8602: {
    decode: (reader, header) => readAreaList(reader, header.edition === '2019', readRectangle),
    encode: (body, writer, header) => writeAreaList(writer, header, body, writeRectangle),
  },
  0x8603: deleteAreas,
  0x8604: {
    decode: (reader, header) => readPolygon(reader, header.edition === '2019'),
    encode: (body, writer, header) => writePolygon(writer, body, header.edition === '2019'),
  },
  0x8605: deleteAreas,
};
