import type { BodyReader } from '../body-reader.ts';
import type { BodyWriter } from '../body-writer.ts';
import { Jt808Error } from '../errors.ts';
import type { Header, HeaderInit, MessageBody } from '../types.ts';

export type MessageIdOf = MessageBody['messageId'];
export type BodyOf<K extends MessageIdOf> = Extract<MessageBody, { messageId: K }>['body'];

/** Body decoder and encoder of one message id. */
export interface BodyCodec<K extends MessageIdOf> {
  decode(reader: BodyReader, header: Header): BodyOf<K>;
  encode(body: BodyOf<K>, writer: BodyWriter, header: HeaderInit): void;
}

export type CodecTable<K extends MessageIdOf> = { [P in K]: BodyCodec<P> };

/** Codec of a message with an empty body; trailing bytes are ignored. */
export function emptyBody<K extends 0x0002 | 0x0003 | 0x8104 | 0x8107 | 0x8201>(): BodyCodec<K> {
  return {
    decode: () => ({}) as BodyOf<K>,
    encode: () => undefined,
  };
}

export function invalidField(message: string, value?: unknown): Jt808Error {
  return new Jt808Error('JT808_ERR_INVALID_FIELD', message, value);
}

/** Throws when a field that only one layout carries is given for the other. */
export function rejectField(present: boolean, field: string, layout: string): void {
  if (present) throw invalidField(`${field} does not exist in the ${layout} layout`, field);
}
