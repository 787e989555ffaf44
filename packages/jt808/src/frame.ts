import { Jt808Error } from './errors.ts';
import { ESCAPE, escapeFrame, FLAG, unescapeContent, xorCheckCode } from './escape.ts';
import { decodeHeader, encodeHeader, headerSize, MAX_BODY_LENGTH } from './header.ts';
import type { Frame, HeaderInit, Subpackage } from './types.ts';

export interface DecodeFrameOptions {
  /** Reject a frame whose XOR check code does not match. Default true. */
  verifyChecksum?: boolean;
  /**
   * Accept a body shorter than the declared length and set `frame.truncatedBody`.
   * Defaults to `!verifyChecksum`, so a forensic read with checking off reads what arrived.
   */
  allowShortBody?: boolean;
}

/** Smallest unescaped content: a 2013 header (12 bytes) and the check code. */
const MIN_CONTENT = 13;

/** Decodes one wire frame, both 0x7e flags included. Throws Jt808Error. */
export function decodeFrame(wire: Buffer, options?: DecodeFrameOptions): Frame {
  const end = wire.length - 1;
  if (end < 1 || wire[0] !== FLAG || wire[end] !== FLAG) {
    throw new Jt808Error('JT808_ERR_MISSING_FLAG', 'frame must start and end with the 0x7e flag');
  }
  const stray = wire.indexOf(FLAG, 1);
  if (stray !== end) throw new Jt808Error('JT808_ERR_ESCAPE', `unescaped 0x7e at offset ${stray} inside the frame`, stray);
  const escapeAt = wire.indexOf(ESCAPE, 1);
  const escaped = escapeAt >= 0 && escapeAt < end;
  const content = escaped ? unescapeContent(wire, 1, end) : wire.subarray(1, end);
  if (content.length < MIN_CONTENT) {
    throw new Jt808Error('JT808_ERR_FRAME_TOO_SHORT', `frame has ${content.length} unescaped bytes, a header and check code need at least ${MIN_CONTENT}`, content.length);
  }

  const verify = options?.verifyChecksum ?? true;
  const last = content.length - 1;
  // The XOR of the content and its check code together is 0 for a good frame.
  const xor = verify ? xorCheckCode(content, 0, content.length) : 0;
  if (xor !== 0) {
    const computed = xor ^ content[last]!;
    throw new Jt808Error(
      'JT808_ERR_CHECKSUM',
      `check code mismatch: frame carries 0x${hex2(content[last]!)}, content gives 0x${hex2(computed)}`,
      { received: content[last], computed },
    );
  }

  const { header, bodyStart, bodyPresent } = decodeHeader(content, options?.allowShortBody ?? !verify);
  const frame: Frame = { header, body: content.subarray(bodyStart, bodyStart + bodyPresent), content };
  if (bodyPresent < header.bodyLength) frame.truncatedBody = { declared: header.bodyLength, present: bodyPresent };
  return frame;
}

/** Builds a complete wire frame from a header and a raw body: header, body, check code, escaping, flags. */
export function encodeFrame(header: HeaderInit, messageId: number, body: Uint8Array, subpackage?: Subpackage): Buffer {
  if (body.length > MAX_BODY_LENGTH) {
    throw new Jt808Error('JT808_ERR_INVALID_FIELD', `body has ${body.length} bytes, one frame carries at most ${MAX_BODY_LENGTH}; split it with encodeSubpackages`, body.length);
  }
  const size = headerSize(header, subpackage !== undefined);
  const content = Buffer.allocUnsafe(size + body.length + 1);
  encodeHeader(header, messageId, body.length, content, subpackage);
  content.set(body, size);
  const last = content.length - 1;
  content[last] = xorCheckCode(content, 0, last);
  return escapeFrame(content);
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
