import { decodeMessage, encodeMessage, type Frame, type HeaderEdition, type Message, type MessageBody } from '@gongche/jt808';
import { gbkCodec } from '../text-codec.ts';

/** Header fields a simulated terminal chooses for each frame it sends. */
export interface SendHeader {
  edition: HeaderEdition;
  phone: string;
  serial: number;
}

/** Encodes one message as a complete wire frame (flags, escaping and check code included), with GBK text. */
export function encodeWire(header: SendHeader, message: MessageBody): Buffer {
  return encodeMessage(header, message, { text: gbkCodec });
}

/** Decodes a frame's body with GBK text; throws Jt808Error for a body the codec cannot read. */
export function decodeWire(frame: Frame): Message {
  return decodeMessage(frame, { text: gbkCodec });
}

/** Pads a phone number to the width of the edition's header: 12 digits for 2013, 20 for 2019. */
export function headerPhone(phone: string, edition: HeaderEdition): string {
  return phone.padStart(edition === '2019' ? 20 : 12, '0');
}
