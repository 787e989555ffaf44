import type { BodyReader } from '../body-reader.ts';
import type { BodyWriter } from '../body-writer.ts';
import { decodeFixedText } from '../text.ts';
import type { BodyEdition, GeneralResponse, HeaderInit, Registration, TerminalParameter } from '../types.ts';
import { emptyBody, invalidField, rejectField, type CodecTable } from './codec.ts';

/** Field sizes of 0x0100 per layout: manufacturer ID, terminal model, terminal ID. */
const REGISTRATION_SIZES: Record<BodyEdition, [number, number, number]> = {
  '2011': [5, 8, 7],
  '2013': [5, 20, 7],
  '2019': [11, 30, 30],
};
/** Fixed part of a 2013 registration body; a shorter body can only be the 2011 layout. */
const REGISTRATION_2013_FIXED = 37;

export function decodeGeneralResponse(reader: BodyReader): GeneralResponse {
  return { replySerial: reader.u16('reply serial'), replyId: reader.u16('reply id'), result: reader.u8('result') };
}

export function encodeGeneralResponse(body: GeneralResponse, writer: BodyWriter): void {
  writer.u16(body.replySerial, 'replySerial').u16(body.replyId, 'replyId').u8(body.result, 'result');
}

export function decodeParameters(reader: BodyReader): TerminalParameter[] {
  const count = reader.u8('parameter count');
  const parameters: TerminalParameter[] = [];
  for (let i = 0; i < count; i++) {
    const id = reader.u32('parameter id');
    const length = reader.u8('parameter length');
    parameters.push({ id, value: Buffer.from(reader.bytes(length, 'parameter value')) });
  }
  return parameters;
}

export function encodeParameters(parameters: readonly TerminalParameter[], writer: BodyWriter): void {
  writer.u8(parameters.length, 'parameter count');
  for (const parameter of parameters) {
    writer.u32(parameter.id, 'parameter id').u8(parameter.value.length, 'parameter length').bytes(parameter.value);
  }
}

function decodeRegistration(reader: BodyReader, edition: '2013' | '2019'): Registration {
  let layout: BodyEdition = '2019';
  if (edition !== '2019') layout = reader.body.length < REGISTRATION_2013_FIXED ? '2011' : '2013';
  const [manufacturerSize, modelSize, terminalIdSize] = REGISTRATION_SIZES[layout];
  return {
    layout,
    provinceId: reader.u16('province id'),
    cityId: reader.u16('city id'),
    manufacturerId: reader.fixedText(manufacturerSize, 'manufacturer id'),
    terminalModel: reader.fixedText(modelSize, 'terminal model'),
    terminalId: reader.fixedText(terminalIdSize, 'terminal id'),
    plateColor: reader.u8('plate color'),
    plate: decodeFixedText(reader.rest(), reader.text),
  };
}

function encodeRegistration(body: Registration, writer: BodyWriter, header: HeaderInit): void {
  if ((body.layout === '2019') !== (header.edition === '2019')) {
    throw invalidField(`registration layout ${body.layout} does not match the ${header.edition} header`, body.layout);
  }
  const [manufacturerSize, modelSize, terminalIdSize] = REGISTRATION_SIZES[body.layout];
  writer.u16(body.provinceId, 'provinceId').u16(body.cityId, 'cityId');
  writer.fixedText(body.manufacturerId, manufacturerSize, 'manufacturerId');
  writer.fixedText(body.terminalModel, modelSize, 'terminalModel');
  writer.fixedText(body.terminalId, terminalIdSize, 'terminalId');
  writer.u8(body.plateColor, 'plateColor');
  writer.textBytes(body.plate);
  if (body.layout === '2011' && writer.length >= REGISTRATION_2013_FIXED) {
    throw invalidField(`a 2011 registration body must stay under ${REGISTRATION_2013_FIXED} bytes or it reads as 2013; the plate is too long`, body.plate);
  }
}

export const terminalCodecs: CodecTable<0x0001 | 0x0002 | 0x0003 | 0x0100 | 0x0102 | 0x0104 | 0x0107 | 0x0900> = {
  0x0001: { decode: decodeGeneralResponse, encode: encodeGeneralResponse },
  0x0002: emptyBody(),
  0x0003: emptyBody(),
  0x0100: {
    decode: (reader, header) => decodeRegistration(reader, header.edition),
    encode: encodeRegistration,
  },
  0x0102: {
    // 2013: the whole body is the code. 2019: length byte, code, IMEI[15], software version[20].
    decode(reader, header) {
      if (header.edition !== '2019') return { authCode: decodeFixedText(reader.rest(), reader.text) };
      const length = reader.u8('auth code length');
      return {
        authCode: reader.textOf(length, 'auth code'),
        imei: reader.fixedText(15, 'IMEI'),
        softwareVersion: reader.fixedText(20, 'software version'),
      };
    },
    encode(body, writer, header) {
      if (header.edition !== '2019') {
        rejectField(body.imei !== undefined || body.softwareVersion !== undefined, 'imei/softwareVersion', '2013');
        writer.textBytes(body.authCode);
        return;
      }
      writer.prefixedText(body.authCode, 1, 'authCode');
      writer.fixedText(body.imei ?? '', 15, 'imei').fixedText(body.softwareVersion ?? '', 20, 'softwareVersion');
    },
  },
  0x0104: {
    decode: (reader) => ({ replySerial: reader.u16('reply serial'), parameters: decodeParameters(reader) }),
    encode(body, writer) {
      writer.u16(body.replySerial, 'replySerial');
      encodeParameters(body.parameters, writer);
    },
  },
  0x0107: {
    decode(reader, header) {
      const wide = header.edition === '2019';
      return {
        terminalType: reader.u16('terminal type'),
        manufacturerId: reader.fixedText(wide ? 11 : 5, 'manufacturer id'),
        terminalModel: reader.fixedText(wide ? 30 : 20, 'terminal model'),
        terminalId: reader.fixedText(wide ? 30 : 7, 'terminal id'),
        iccid: reader.bcd(10, 'ICCID'),
        hardwareVersion: reader.textOf(reader.u8('hardware version length'), 'hardware version'),
        firmwareVersion: reader.textOf(reader.u8('firmware version length'), 'firmware version'),
        gnssAttributes: reader.u8('GNSS module attributes'),
        commAttributes: reader.u8('communication module attributes'),
      };
    },
    encode(body, writer, header) {
      const wide = header.edition === '2019';
      writer.u16(body.terminalType, 'terminalType');
      writer.fixedText(body.manufacturerId, wide ? 11 : 5, 'manufacturerId');
      writer.fixedText(body.terminalModel, wide ? 30 : 20, 'terminalModel');
      writer.fixedText(body.terminalId, wide ? 30 : 7, 'terminalId');
      writer.bcd(body.iccid, 10, 'iccid');
      writer.prefixedText(body.hardwareVersion, 1, 'hardwareVersion').prefixedText(body.firmwareVersion, 1, 'firmwareVersion');
      writer.u8(body.gnssAttributes, 'gnssAttributes').u8(body.commAttributes, 'commAttributes');
    },
  },
  0x0900: {
    decode: (reader) => ({ type: reader.u8('transparent data type'), data: Buffer.from(reader.rest()) }),
    encode(body, writer) {
      writer.u8(body.type, 'type').bytes(body.data);
    },
  },
};
