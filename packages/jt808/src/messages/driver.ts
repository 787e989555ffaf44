import type { BodyReader } from '../body-reader.ts';
import type { BodyWriter } from '../body-writer.ts';
import { Jt808Error } from '../errors.ts';
import type { DriverIdentity, HeaderInit } from '../types.ts';
import { invalidField, rejectField, type CodecTable } from './codec.ts';

/**
 * 2013/2019 layout: state, BCD time, then for state 1 the read result and, when it is 0, the
 * driver fields; 2019 appends the ID card number. Throws when the body does not end exactly there.
 */
function decodeCardLayout(reader: BodyReader, is2019: boolean): DriverIdentity {
  const state = reader.u8('driver state');
  const { time, timeBcd } = reader.timeTolerant('driver card time');
  const identity: DriverIdentity = { layout: is2019 ? '2019' : '2013', state, time, timeBcd };
  if (state === 1) {
    const readResult = reader.u8('card read result');
    identity.readResult = readResult;
    if (readResult === 0) {
      identity.driverName = reader.textOf(reader.u8('driver name length'), 'driver name');
      identity.qualificationCode = reader.fixedText(20, 'qualification code');
      identity.issuingAuthority = reader.textOf(reader.u8('issuing authority length'), 'issuing authority');
      identity.certificateExpiry = reader.bcd(4, 'certificate expiry');
      if (is2019) identity.idCardNumber = reader.fixedText(20, 'driver ID card number');
    }
  }
  requireEnd(reader);
  return identity;
}

/** 2011 layout: name, ID card number[20], qualification code[40], issuing authority; no state or time. */
function decode2011Layout(reader: BodyReader): DriverIdentity {
  const driverName = reader.textOf(reader.u8('driver name length'), 'driver name');
  const idCardNumber = reader.fixedText(20, 'driver ID card number');
  const qualificationCode = reader.fixedText(40, 'qualification code');
  const issuingAuthority = reader.textOf(reader.u8('issuing authority length'), 'issuing authority');
  requireEnd(reader);
  return { layout: '2011', state: 1, time: null, timeBcd: '', readResult: 0, driverName, qualificationCode, issuingAuthority, idCardNumber };
}

function requireEnd(reader: BodyReader): void {
  if (reader.remaining !== 0) {
    throw new Jt808Error('JT808_ERR_BODY_LENGTH', `driver identity body has ${reader.remaining} bytes after its last field`, reader.remaining);
  }
}

/** With a 2013 header the body decides: the 2013 layout is tried first, then the 2011 one. */
function decodeDriverIdentity(reader: BodyReader, is2019: boolean): DriverIdentity {
  if (is2019) return decodeCardLayout(reader, true);
  try {
    return decodeCardLayout(reader, false);
  } catch (error) {
    if (!(error instanceof Jt808Error)) throw error;
    reader.offset = 0;
    try {
      return decode2011Layout(reader);
    } catch {
      throw error;
    }
  }
}

function encodeDriverIdentity(body: DriverIdentity, writer: BodyWriter, header: HeaderInit): void {
  const layout = body.layout ?? (header.edition === '2019' ? '2019' : '2013');
  if ((layout === '2019') !== (header.edition === '2019')) {
    throw invalidField(`driver identity layout ${layout} does not match the ${header.edition} header`, layout);
  }
  if (layout === '2011') {
    writer.prefixedText(body.driverName ?? '', 1, 'driverName');
    writer.fixedText(body.idCardNumber ?? '', 20, 'idCardNumber').fixedText(body.qualificationCode ?? '', 40, 'qualificationCode');
    writer.prefixedText(body.issuingAuthority ?? '', 1, 'issuingAuthority');
    return;
  }
  writer.u8(body.state, 'state');
  if (body.time) writer.time(body.time, 'time');
  else writer.bcdText(body.timeBcd, 6, 'timeBcd');
  if (body.state !== 1) return;
  writer.u8(body.readResult ?? 0, 'readResult');
  if ((body.readResult ?? 0) !== 0) return;
  writer.prefixedText(body.driverName ?? '', 1, 'driverName');
  writer.fixedText(body.qualificationCode ?? '', 20, 'qualificationCode');
  writer.prefixedText(body.issuingAuthority ?? '', 1, 'issuingAuthority');
  writer.bcd(body.certificateExpiry ?? '', 4, 'certificateExpiry');
  if (layout === '2019') writer.fixedText(body.idCardNumber ?? '', 20, 'idCardNumber');
  else rejectField(body.idCardNumber !== undefined, 'idCardNumber', '2013');
}

export const driverCodecs: CodecTable<0x0702> = {
  0x0702: {
    decode: (reader, header) => decodeDriverIdentity(reader, header.edition === '2019'),
    encode: encodeDriverIdentity,
  },
};
