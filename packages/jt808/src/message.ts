import { BodyReader } from './body-reader.ts';
import { BodyWriter } from './body-writer.ts';
import { Jt808Error } from './errors.ts';
import { encodeFrame } from './frame.ts';
import { areaCodecs } from './messages/area.ts';
import type { BodyCodec, MessageIdOf } from './messages/codec.ts';
import { driverCodecs } from './messages/driver.ts';
import { locationCodecs } from './messages/location.ts';
import { platformCodecs } from './messages/platform.ts';
import { terminalCodecs } from './messages/terminal.ts';
import { decodePosition } from './position.ts';
import { gbk } from './text.ts';
import type { Frame, HeaderInit, Message, MessageBody, TextCodec } from './types.ts';

const CODECS = new Map<number, BodyCodec<MessageIdOf>>();
for (const table of [terminalCodecs, locationCodecs, driverCodecs, platformCodecs, areaCodecs]) {
  for (const [id, codec] of Object.entries(table)) CODECS.set(Number(id), codec as BodyCodec<MessageIdOf>);
}

/** Returns true when decodeMessage and encodeMessage handle the message id. */
export function isSupportedMessage(messageId: number): boolean {
  return CODECS.has(messageId);
}

/**
 * Decodes the body of a whole (not sub-packaged, not encrypted) frame. Throws Jt808Error:
 * JT808_ERR_UNSUPPORTED_MESSAGE for ids without a body codec, JT808_ERR_ENCRYPTED_BODY,
 * JT808_ERR_SUBPACKAGE for one package of a sub-packaged message, and body errors.
 */
export function decodeMessage(frame: Frame, options?: { text?: TextCodec }): Message {
  const header = frame.header;
  const messageId = header.messageId;
  if (header.encryption !== 0) {
    throw new Jt808Error('JT808_ERR_ENCRYPTED_BODY', `message 0x${hex4(messageId)} has an encrypted body (encryption ${header.encryption}), which is not decrypted`, header.encryption);
  }
  if (header.subpackage) {
    throw new Jt808Error('JT808_ERR_SUBPACKAGE', `message 0x${hex4(messageId)} is package ${header.subpackage.index} of ${header.subpackage.total}; join the packages with SubpackageAssembler first`, header.subpackage);
  }
  // The location report is the bulk of the traffic, so it skips the generic reader.
  if (messageId === 0x0200) {
    return { messageId, body: decodePosition(frame.body, 0, frame.body.length), header };
  }
  const codec = CODECS.get(messageId);
  if (!codec) {
    throw new Jt808Error('JT808_ERR_UNSUPPORTED_MESSAGE', `no body decoder for message 0x${hex4(messageId)}`, messageId);
  }
  const body = codec.decode(new BodyReader(frame.body, options?.text ?? gbk), header);
  return { messageId, body, header } as Message;
}

/** Encodes a message to a complete wire frame. Bodies over 1023 bytes need encodeSubpackages. Throws Jt808Error. */
export function encodeMessage(header: HeaderInit, message: MessageBody, options?: { text?: TextCodec }): Buffer {
  return encodeFrame(header, message.messageId, encodeBody(header, message, options));
}

/** Encodes only the body of a message, for callers that split it with encodeSubpackages. */
export function encodeBody(header: HeaderInit, message: MessageBody, options?: { text?: TextCodec }): Buffer {
  const codec = CODECS.get(message.messageId);
  if (!codec) {
    throw new Jt808Error('JT808_ERR_UNSUPPORTED_MESSAGE', `no body encoder for message 0x${hex4(message.messageId)}`, message.messageId);
  }
  const writer = new BodyWriter(options?.text ?? gbk);
  codec.encode(message.body, writer, header);
  return writer.finish();
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

