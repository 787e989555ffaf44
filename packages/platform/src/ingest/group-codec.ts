import { decodeMessage, type Header, type Position } from '@gongche/jt808';
import { gbkCodec } from '../text-codec.ts';
import type { IngestReport } from './report.ts';

/** A report as the ingest worker receives it, with its positions decoded again from the frame body. */
export interface CommitReport {
  terminalId: number;
  vehicleId: number | null;
  header: Header;
  content: Buffer;
  receivedAt: number;
  positions: Position[];
  batchType: number | null;
  joined: boolean;
}

/*
 * A group travels to the worker as one transferable buffer, so that posting it costs one copy
 * and no per-object cloning. Per report:
 *   u32 terminal id, i32 vehicle id (-1 = none), f64 received at, u16 message id, u16 serial,
 *   u8 edition (0 = 2013, 1 = 2019), u8 protocol version (255 = none), i8 batch type (-1 = none),
 *   u8 joined, u8 phone length, phone digits, u32 content length, content, u32 body length, body.
 */

const fixedBytes = 4 + 4 + 8 + 2 + 2 + 1 + 1 + 1 + 1 + 1;

function reportBytes(report: IngestReport): number {
  return fixedBytes + report.header.phone.length + 4 + report.content.length + 4 + report.body.length;
}

/** Packs a group of reports into one buffer for the ingest worker. */
export function packGroup(reports: IngestReport[]): ArrayBuffer {
  const total = reports.reduce((sum, r) => sum + reportBytes(r), 4);
  const out = Buffer.alloc(total);
  let at = out.writeUInt32BE(reports.length, 0);
  for (const { terminal, header, content, body, receivedAt, batchType, joined } of reports) {
    at = out.writeUInt32BE(terminal.id, at);
    at = out.writeInt32BE(terminal.vehicleId ?? -1, at);
    at = out.writeDoubleBE(receivedAt, at);
    at = out.writeUInt16BE(header.messageId, at);
    at = out.writeUInt16BE(header.serial, at);
    at = out.writeUInt8(header.edition === '2019' ? 1 : 0, at);
    at = out.writeUInt8(header.protocolVersion ?? 255, at);
    at = out.writeInt8(batchType ?? -1, at);
    at = out.writeUInt8(joined ? 1 : 0, at);
    at = out.writeUInt8(header.phone.length, at);
    at += out.write(header.phone, at, 'latin1');
    at = out.writeUInt32BE(content.length, at);
    at += content.copy(out, at);
    at = out.writeUInt32BE(body.length, at);
    at += body.copy(out, at);
  }
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
}

function positionsOf(header: Header, body: Buffer, content: Buffer): Position[] {
  const message = decodeMessage({ header, body, content }, { text: gbkCodec });
  if (message.messageId === 0x0200) return [message.body];
  if (message.messageId === 0x0201) return [message.body.position];
  if (message.messageId === 0x0704) return message.body.positions;
  return [];
}

/** Unpacks a group and decodes each report's positions again from its body. */
export function unpackGroup(buffer: ArrayBuffer): CommitReport[] {
  const bytes = Buffer.from(buffer);
  const count = bytes.readUInt32BE(0);
  const reports: CommitReport[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const terminalId = bytes.readUInt32BE(at);
    const vehicleId = bytes.readInt32BE(at + 4);
    const receivedAt = bytes.readDoubleBE(at + 8);
    const messageId = bytes.readUInt16BE(at + 16);
    const serial = bytes.readUInt16BE(at + 18);
    const edition = bytes[at + 20] === 1 ? '2019' : '2013';
    const protocolVersion = bytes[at + 21]!;
    const batchType = bytes.readInt8(at + 22);
    const joined = bytes[at + 23] === 1;
    const phoneLength = bytes[at + 24]!;
    at += fixedBytes;
    const phone = bytes.toString('latin1', at, at + phoneLength);
    at += phoneLength;
    const contentLength = bytes.readUInt32BE(at);
    const content = bytes.subarray(at + 4, at + 4 + contentLength);
    at += 4 + contentLength;
    const bodyLength = bytes.readUInt32BE(at);
    const body = bytes.subarray(at + 4, at + 4 + bodyLength);
    at += 4 + bodyLength;
    const header: Header = { messageId, edition, phone, serial, bodyLength, encryption: 0, ...(protocolVersion !== 255 && { protocolVersion }) };
    reports.push({
      terminalId, vehicleId: vehicleId === -1 ? null : vehicleId, header, content, receivedAt,
      positions: positionsOf(header, body, content), batchType: batchType === -1 ? null : batchType, joined,
    });
  }
  return reports;
}
