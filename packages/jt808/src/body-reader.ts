import { bcdText, decodeBcd, decodeBcdTime, decodeBcdTimeStrict } from './bcd.ts';
import { requireBytes } from './errors.ts';
import { decodeFixedText } from './text.ts';
import type { TextCodec } from './types.ts';

/** Cursor over a message body; every read throws JT808_ERR_TRUNCATED_BODY past the end. */
export class BodyReader {
  readonly body: Buffer;
  readonly text: TextCodec;
  offset = 0;

  constructor(body: Buffer, text: TextCodec) {
    this.body = body;
    this.text = text;
  }

  get remaining(): number {
    return this.body.length - this.offset;
  }

  u8(field: string): number {
    requireBytes(this.body, this.offset, 1, field);
    return this.body[this.offset++]!;
  }

  u16(field: string): number {
    requireBytes(this.body, this.offset, 2, field);
    const value = this.body.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(field: string): number {
    requireBytes(this.body, this.offset, 4, field);
    const value = this.body.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number, field: string): Buffer {
    requireBytes(this.body, this.offset, length, field);
    const value = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  rest(): Buffer {
    return this.bytes(this.remaining, 'rest');
  }

  /** Strict BCD digits (nibbles above 9 throw JT808_ERR_BCD). */
  bcd(length: number, field: string): string {
    requireBytes(this.body, this.offset, length, field);
    const value = decodeBcd(this.body, this.offset, length, field);
    this.offset += length;
    return value;
  }

  /** BCD Beijing time read tolerantly: `time` is null when invalid, `timeBcd` keeps the nibbles. */
  timeTolerant(field: string): { time: Date | null; timeBcd: string } {
    requireBytes(this.body, this.offset, 6, field);
    const time = decodeBcdTime(this.body, this.offset);
    const timeBcd = bcdText(this.body, this.offset, 6);
    this.offset += 6;
    return { time, timeBcd };
  }

  timeStrict(field: string): Date {
    requireBytes(this.body, this.offset, 6, field);
    const time = decodeBcdTimeStrict(this.body, this.offset, field);
    this.offset += 6;
    return time;
  }

  fixedText(length: number, field: string): string {
    return decodeFixedText(this.bytes(length, field), this.text);
  }

  /** Text of `length` bytes taken as is (no padding removed). */
  textOf(length: number, field: string): string {
    return this.text.decode(this.bytes(length, field));
  }

  restText(): string {
    return this.text.decode(this.rest());
  }
}
