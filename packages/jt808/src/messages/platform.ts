import { decodeFixedText } from '../text.ts';
import { emptyBody, invalidField, rejectField, type CodecTable } from './codec.ts';
import { decodeGeneralResponse, decodeParameters, encodeGeneralResponse, encodeParameters } from './terminal.ts';

export const platformCodecs: CodecTable<0x8001 | 0x8003 | 0x8100 | 0x8103 | 0x8104 | 0x8105 | 0x8107 | 0x8201 | 0x8202 | 0x8203 | 0x8300> = {
  0x8001: { decode: decodeGeneralResponse, encode: encodeGeneralResponse },
  0x8003: {
    // The package count is a BYTE in 2013 and a WORD in 2019.
    decode(reader, header) {
      const originalSerial = reader.u16('original serial');
      const count = header.edition === '2019' ? reader.u16('package count') : reader.u8('package count');
      const packageIds: number[] = [];
      for (let i = 0; i < count; i++) packageIds.push(reader.u16('package id'));
      return { originalSerial, packageIds };
    },
    encode(body, writer, header) {
      writer.u16(body.originalSerial, 'originalSerial');
      if (header.edition === '2019') writer.u16(body.packageIds.length, 'package count');
      else writer.u8(body.packageIds.length, 'package count');
      for (const id of body.packageIds) writer.u16(id, 'package id');
    },
  },
  0x8100: {
    // The auth code follows only a result of 0 (success).
    decode(reader) {
      const replySerial = reader.u16('reply serial');
      const result = reader.u8('result');
      if (result !== 0) return { replySerial, result };
      return { replySerial, result, authCode: decodeFixedText(reader.rest(), reader.text) };
    },
    encode(body, writer) {
      writer.u16(body.replySerial, 'replySerial').u8(body.result, 'result');
      if (body.result !== 0) {
        rejectField(body.authCode !== undefined, 'authCode with a non-zero result', 'registration response');
        return;
      }
      if (body.authCode === undefined) throw invalidField('authCode is required when result is 0', body);
      writer.textBytes(body.authCode);
    },
  },
  0x8103: {
    decode: (reader) => ({ parameters: decodeParameters(reader) }),
    encode: (body, writer) => encodeParameters(body.parameters, writer),
  },
  0x8104: emptyBody(),
  0x8105: {
    decode(reader) {
      const command = reader.u8('command word');
      return reader.remaining > 0 ? { command, parameters: reader.restText() } : { command };
    },
    encode(body, writer) {
      writer.u8(body.command, 'command');
      if (body.parameters !== undefined) writer.textBytes(body.parameters);
    },
  },
  // Query terminal attributes: an empty body, and the terminal responds with 0x0107.
  0x8107: emptyBody(),
  0x8201: emptyBody(),
  0x8202: {
    decode: (reader) => ({ intervalS: reader.u16('interval'), validityS: reader.u32('validity') }),
    encode(body, writer) {
      writer.u16(body.intervalS, 'intervalS').u32(body.validityS, 'validityS');
    },
  },
  0x8203: {
    decode: (reader) => ({ alarmSerial: reader.u16('alarm serial'), alarmType: reader.u32('alarm type') }),
    encode(body, writer) {
      writer.u16(body.alarmSerial, 'alarmSerial').u32(body.alarmType, 'alarmType');
    },
  },
  0x8300: {
    // 2019 adds a text type BYTE after the flags.
    decode(reader, header) {
      const flags = reader.u8('text flags');
      if (header.edition !== '2019') return { flags, text: reader.restText() };
      const textType = reader.u8('text type');
      return { flags, textType, text: reader.restText() };
    },
    encode(body, writer, header) {
      writer.u8(body.flags, 'flags');
      if (header.edition === '2019') writer.u8(body.textType ?? 1, 'textType');
      else rejectField(body.textType !== undefined, 'textType', '2013');
      writer.textBytes(body.text);
    },
  },
};
