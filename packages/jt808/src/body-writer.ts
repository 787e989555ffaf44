import { encodeBcd, encodeBcdText, encodeBcdTime } from './bcd.ts';
import { Jt808Error } from './errors.ts';
import { checkRange } from './header.ts';
import type { TextCodec } from './types.ts';

/** Growable big-endian body builder; range checks throw JT808_ERR_INVALID_FIELD. */
export class BodyWriter {
  readonly text: TextCodec;
  #buffer: Buffer;
  #length = 0;

  constructor(text: TextCodec, capacity = 128) {
    this.text = text;
    this.#buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /** Grows the buffer for `size` more bytes and returns their offset; read `#buffer` only after calling it, as it may be replaced. */
  #reserve(size: number): number {
    const at = this.#length;
    if (at + size > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, at + size));
      this.#buffer.copy(grown, 0, 0, at);
      this.#buffer = grown;
    }
    this.#length += size;
    return at;
  }

  u8(value: number, field: string): this {
    checkRange(field, value, 0xff);
    const at = this.#reserve(1);
    this.#buffer[at] = value;
    return this;
  }

  u16(value: number, field: string): this {
    checkRange(field, value, 0xffff);
    const at = this.#reserve(2);
    this.#buffer.writeUInt16BE(value, at);
    return this;
  }

  u32(value: number, field: string): this {
    checkRange(field, value, 0xffffffff);
    const at = this.#reserve(4);
    this.#buffer.writeUInt32BE(value, at);
    return this;
  }

  bytes(value: Uint8Array): this {
    const at = this.#reserve(value.length);
    this.#buffer.set(value, at);
    return this;
  }

  /** Overwrites a WORD written earlier (a count or length known only later). */
  patchU16(at: number, value: number, field: string): void {
    checkRange(field, value, 0xffff);
    this.#buffer.writeUInt16BE(value, at);
  }

  bcd(digits: string, length: number, field: string): this {
    const at = this.#reserve(length);
    encodeBcd(digits, this.#buffer, at, length, field);
    return this;
  }

  bcdText(hex: string, length: number, field: string): this {
    const at = this.#reserve(length);
    encodeBcdText(hex, this.#buffer, at, length, field);
    return this;
  }

  time(value: Date, field: string): this {
    const at = this.#reserve(6);
    encodeBcdTime(value, this.#buffer, at, field);
    return this;
  }

  /** Writes text into a fixed field padded with 0x00. */
  fixedText(value: string, length: number, field: string): this {
    const encoded = this.text.encode(value);
    if (encoded.length > length) {
      throw new Jt808Error('JT808_ERR_INVALID_FIELD', `${field} takes at most ${length} bytes, "${value}" encodes to ${encoded.length}`, value);
    }
    const at = this.#reserve(length);
    this.#buffer.set(encoded, at);
    this.#buffer.fill(0, at + encoded.length, at + length);
    return this;
  }

  /** Writes encoded text and returns its byte length. */
  textBytes(value: string): number {
    const encoded = this.text.encode(value);
    this.bytes(encoded);
    return encoded.length;
  }

  /** Writes a length prefix (BYTE or WORD) followed by the encoded text. */
  prefixedText(value: string, prefix: 1 | 2, field: string): this {
    const encoded = this.text.encode(value);
    if (prefix === 1) this.u8(encoded.length, `${field} length`);
    else this.u16(encoded.length, `${field} length`);
    return this.bytes(encoded);
  }

  finish(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }
}
