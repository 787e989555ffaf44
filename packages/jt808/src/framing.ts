import { Jt808Error } from './errors.ts';
import { FLAG } from './escape.ts';
import { decodeFrame } from './frame.ts';
import type { Frame } from './types.ts';

export type StreamEvent =
  | { kind: 'frame'; frame: Frame; wire: Buffer }
  | { kind: 'error'; error: Jt808Error; wire: Buffer }
  | { kind: 'discard'; bytes: number };

export interface FrameDecoderOptions {
  /** Maximum escaped bytes between the two flags. Default 4096. */
  maxFrameBytes?: number;
  /** Reject frames whose XOR check code does not match. Default true. */
  verifyChecksum?: boolean;
}

/**
 * Splits a TCP byte stream into JT/T 808 frames.
 *
 * Bytes before a start flag are dropped and reported as a 'discard' event. Two flags in a row mean
 * the first one ended a frame whose start was never seen, so the second one starts the next frame.
 * After a bad frame, its end flag is also tried as the start of the next one, because a bad frame
 * is often junk caught between an end flag and a real start flag. Frames and wires can be views
 * into the pushed chunks, so a caller must not reuse a chunk's memory after pushing it.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #verifyChecksum: boolean;
  /** Inside a frame: a start flag has been seen. */
  #inFrame = false;
  /** Dropping the rest of an oversized frame until the next flag. */
  #skipping = false;
  /** Bytes of the incomplete frame copied from earlier chunks, start flag first. */
  #parts: Buffer[] = [];
  #partLength = 0;
  /** Offset of the start flag in the chunk being pushed, or -1 when it came in an earlier chunk. */
  #start = -1;

  constructor(options?: FrameDecoderOptions) {
    this.#maxFrameBytes = options?.maxFrameBytes ?? 4096;
    this.#verifyChecksum = options?.verifyChecksum ?? true;
  }

  /** Escaped bytes held for a frame that has not ended yet. */
  get bufferedBytes(): number {
    return this.#partLength;
  }

  /** Feeds one TCP chunk and returns its events. Codec failures become error events, and partial frames are kept across calls. */
  push(chunk: Buffer): StreamEvent[] {
    const events: StreamEvent[] = [];
    this.#start = -1;
    let at = 0;
    while (at < chunk.length) {
      if (this.#skipping) at = this.#skip(chunk, at);
      else if (!this.#inFrame) at = this.#seekStart(chunk, at, events);
      else at = this.#readFrame(chunk, at, events);
    }
    if (this.#inFrame && this.#start >= 0) {
      // The start flag was the last byte of the chunk.
      this.#parts = [Buffer.from(chunk.subarray(this.#start))];
      this.#partLength = chunk.length - this.#start;
      this.#start = -1;
    }
    return events;
  }

  #skip(chunk: Buffer, at: number): number {
    const flag = chunk.indexOf(FLAG, at);
    if (flag < 0) return chunk.length;
    this.#skipping = false;
    this.#startAt(flag);
    return flag + 1;
  }

  #seekStart(chunk: Buffer, at: number, events: StreamEvent[]): number {
    const flag = chunk.indexOf(FLAG, at);
    const junkEnd = flag < 0 ? chunk.length : flag;
    if (junkEnd > at) events.push({ kind: 'discard', bytes: junkEnd - at });
    if (flag < 0) return chunk.length;
    this.#startAt(flag);
    return flag + 1;
  }

  #startAt(flag: number): void {
    this.#inFrame = true;
    this.#parts = [];
    this.#partLength = 0;
    this.#start = flag;
  }

  /** Reads from `at` (inside a frame) to the end flag or the end of the chunk. */
  #readFrame(chunk: Buffer, at: number, events: StreamEvent[]): number {
    const flag = chunk.indexOf(FLAG, at);
    const segmentStart = this.#start >= 0 ? this.#start : at;
    const segmentEnd = flag < 0 ? chunk.length : flag;
    const between = this.#partLength + segmentEnd - segmentStart - 1;
    if (between > this.#maxFrameBytes) {
      this.#reportOversize(chunk, segmentStart, events);
      return segmentEnd;
    }
    if (flag < 0) {
      this.#parts.push(Buffer.from(chunk.subarray(segmentStart)));
      this.#partLength += chunk.length - segmentStart;
      this.#start = -1;
      return chunk.length;
    }
    if (between === 0) {
      this.#startAt(flag);
      return flag + 1;
    }

    const tail = chunk.subarray(segmentStart, flag + 1);
    const wire = this.#partLength === 0 ? tail : Buffer.concat([...this.#parts, tail]);
    if (this.#emitFrame(wire, events)) {
      this.#inFrame = false;
      this.#parts = [];
      this.#partLength = 0;
      this.#start = -1;
    } else {
      this.#startAt(flag);
    }
    return flag + 1;
  }

  /** Returns true for a good frame. */
  #emitFrame(wire: Buffer, events: StreamEvent[]): boolean {
    try {
      const frame = decodeFrame(wire, { verifyChecksum: this.#verifyChecksum });
      events.push({ kind: 'frame', frame, wire });
      return true;
    } catch (error) {
      if (!(error instanceof Jt808Error)) throw error;
      events.push({ kind: 'error', error, wire });
      return false;
    }
  }

  /** Reports the frame as oversized, keeping its first maxFrameBytes bytes as the wire, and skips to the next flag. */
  #reportOversize(chunk: Buffer, segmentStart: number, events: StreamEvent[]): void {
    const room = this.#maxFrameBytes + 1 - this.#partLength;
    const wire = Buffer.concat([...this.#parts, chunk.subarray(segmentStart, segmentStart + room)]);
    events.push({
      kind: 'error',
      error: new Jt808Error('JT808_ERR_FRAME_TOO_LARGE', `frame exceeds the maximum of ${this.#maxFrameBytes} escaped bytes between the flags`, this.#maxFrameBytes),
      wire,
    });
    this.#inFrame = false;
    this.#skipping = true;
    this.#parts = [];
    this.#partLength = 0;
    this.#start = -1;
  }
}
