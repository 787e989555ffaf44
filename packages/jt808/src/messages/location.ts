import type { BodyReader } from '../body-reader.ts';
import type { BodyWriter } from '../body-writer.ts';
import { decodePosition, encodePosition } from '../position.ts';
import type { LocationBatch, Position } from '../types.ts';
import { invalidField, type CodecTable } from './codec.ts';

/**
 * Decodes a 0x0704 body: item count WORD, type BYTE, then per item a length WORD and a location
 * block. An item that declares more bytes than remain ends the walk as `truncatedItem`.
 */
export function decodeLocationBatch(reader: BodyReader): LocationBatch {
  const count = reader.u16('batch item count');
  const type = reader.u8('batch type');
  const body = reader.body;
  const positions: Position[] = [];
  const batch: LocationBatch = { type, count, positions };
  for (let index = 1; index <= count && reader.remaining > 0; index++) {
    const declared = reader.u16('batch item length');
    const start = reader.offset;
    if (declared > reader.remaining) {
      batch.truncatedItem = { index, declared, present: reader.remaining };
      break;
    }
    positions.push(decodePosition(body, start, start + declared));
    reader.offset = start + declared;
  }
  return batch;
}

function encodeLocationBatch(batch: LocationBatch, writer: BodyWriter): void {
  if (batch.count !== batch.positions.length) {
    throw invalidField(`batch count ${batch.count} differs from ${batch.positions.length} positions`, batch.count);
  }
  if (batch.truncatedItem) throw invalidField('a batch with a truncated item cannot be encoded', batch.truncatedItem);
  writer.u16(batch.count, 'count').u8(batch.type, 'type');
  for (const position of batch.positions) {
    const lengthAt = writer.length;
    writer.u16(0, 'item length');
    encodePosition(writer, position);
    writer.patchU16(lengthAt, writer.length - lengthAt - 2, 'item length');
  }
}

export const locationCodecs: CodecTable<0x0200 | 0x0201 | 0x0704> = {
  0x0200: {
    decode: (reader) => decodePosition(reader.body, 0, reader.body.length),
    encode: (body, writer) => encodePosition(writer, body),
  },
  0x0201: {
    decode(reader) {
      const replySerial = reader.u16('reply serial');
      return { replySerial, position: decodePosition(reader.body, reader.offset, reader.body.length) };
    },
    encode(body, writer) {
      writer.u16(body.replySerial, 'replySerial');
      encodePosition(writer, body.position);
    },
  },
  0x0704: { decode: decodeLocationBatch, encode: encodeLocationBatch },
};
