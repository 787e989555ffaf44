import { decodeBcd, encodeBcd } from './bcd.ts';
import { Jt808Error } from './errors.ts';
import type { Header, HeaderInit, Subpackage } from './types.ts';

/** Body properties bits: 0-9 body length, 10-12 encryption, 13 subpackage, 14 version flag (2019). */
const LENGTH_MASK = 0x03ff;
const SUBPACKAGE_BIT = 0x2000;
const VERSION_BIT = 0x4000;
export const MAX_BODY_LENGTH = LENGTH_MASK;

const HEADER_2013 = 12;
const HEADER_2019 = 17;

export interface HeaderRead {
  header: Header;
  bodyStart: number;
  /** Body bytes actually present (less than header.bodyLength only for an accepted short body). */
  bodyPresent: number;
}

/**
 * Reads the header at the start of `content` (unescaped, check code last). The layout whose size
 * makes the declared body length add up wins, so a 2019 flag on a 2013 header decodes as 2013.
 */
export function decodeHeader(content: Buffer, allowShortBody: boolean): HeaderRead {
  const payloadEnd = content.length - 1;
  if (payloadEnd < HEADER_2013) {
    throw new Jt808Error('JT808_ERR_FRAME_TOO_SHORT', `frame has ${content.length} unescaped bytes, a header and check code need at least ${HEADER_2013 + 1}`, content.length);
  }
  const properties = (content[2]! << 8) | content[3]!;
  const bodyLength = properties & LENGTH_MASK;
  const extra = properties & SUBPACKAGE_BIT ? 4 : 0;
  let is2019 = (properties & VERSION_BIT) !== 0;
  let headerLength = (is2019 ? HEADER_2019 : HEADER_2013) + extra;
  let versionFlagWith2013Header = false;
  if (is2019 && payloadEnd - headerLength !== bodyLength && payloadEnd - HEADER_2013 - extra === bodyLength) {
    is2019 = false;
    versionFlagWith2013Header = true;
    headerLength = HEADER_2013 + extra;
  }

  const bodyPresent = payloadEnd - headerLength;
  checkBodyLength(bodyLength, bodyPresent, allowShortBody);

  const phoneStart = is2019 ? 5 : 4;
  const phoneLength = is2019 ? 10 : 6;
  const serialAt = phoneStart + phoneLength;
  const header: Header = {
    messageId: (content[0]! << 8) | content[1]!,
    edition: is2019 ? '2019' : '2013',
    phone: decodeBcd(content, phoneStart, phoneLength, 'header phone number'),
    serial: (content[serialAt]! << 8) | content[serialAt + 1]!,
    bodyLength,
    encryption: (properties >> 10) & 0x07,
  };
  if (is2019) header.protocolVersion = content[4]!;
  if (extra) {
    header.subpackage = {
      total: (content[serialAt + 2]! << 8) | content[serialAt + 3]!,
      index: (content[serialAt + 4]! << 8) | content[serialAt + 5]!,
    };
  }
  if (versionFlagWith2013Header) header.versionFlagWith2013Header = true;
  return { header, bodyStart: headerLength, bodyPresent: Math.min(bodyPresent, bodyLength) };
}

function checkBodyLength(declared: number, present: number, allowShortBody: boolean): void {
  if (present === declared) return;
  if (present < 0) {
    throw new Jt808Error('JT808_ERR_FRAME_TOO_SHORT', `frame ends inside the header (${present} bytes short)`, { declared, present });
  }
  if (present < declared && allowShortBody) return;
  throw new Jt808Error(
    'JT808_ERR_BODY_LENGTH',
    `body length mismatch: header declares ${declared} bytes, frame carries ${present}`,
    { declared, present },
  );
}

/** Size of the header that encodeHeader writes. */
export function headerSize(init: HeaderInit, subpackage: boolean): number {
  return (init.edition === '2019' ? HEADER_2019 : HEADER_2013) + (subpackage ? 4 : 0);
}

/** Writes the header for `init` at the start of `out` and returns its size. */
export function encodeHeader(init: HeaderInit, messageId: number, bodyLength: number, out: Buffer, subpackage?: Subpackage): number {
  checkRange('message id', messageId, 0xffff);
  checkRange('body length', bodyLength, MAX_BODY_LENGTH);
  checkRange('serial', init.serial, 0xffff);
  const encryption = init.encryption ?? 0;
  checkRange('encryption', encryption, 0x07);

  const is2019 = init.edition === '2019';
  let properties = bodyLength | (encryption << 10);
  if (subpackage) properties |= SUBPACKAGE_BIT;
  if (is2019) properties |= VERSION_BIT;
  out.writeUInt16BE(messageId, 0);
  out.writeUInt16BE(properties, 2);

  let at = 4;
  if (is2019) {
    const version = init.protocolVersion ?? 1;
    checkRange('protocol version', version, 0xff);
    out[at++] = version;
  }
  const phoneLength = is2019 ? 10 : 6;
  encodeBcd(init.phone, out, at, phoneLength, 'phone');
  at += phoneLength;
  out.writeUInt16BE(init.serial, at);
  at += 2;
  if (subpackage) {
    checkRange('subpackage total', subpackage.total, 0xffff, 1);
    checkRange('subpackage index', subpackage.index, subpackage.total, 1);
    out.writeUInt16BE(subpackage.total, at);
    out.writeUInt16BE(subpackage.index, at + 2);
    at += 4;
  }
  return at;
}

export function checkRange(field: string, value: number, max: number, min = 0): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} must be an integer from ${min} to ${max}, got ${value}`, value);
  }
}
