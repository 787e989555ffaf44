import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeMessage, FrameDecoder } from '../src/index.ts';

/** Cuts `bytes` at the given fractions into consecutive chunks. */
function chunk(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => Math.floor(cut * bytes.length)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(Buffer.from(bytes.subarray(start, point)));
    start = Math.max(start, point);
  }
  return chunks;
}

const cutsArbitrary = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });
const frame = encodeMessage(
  { edition: '2013', phone: '013800138000', serial: 0x7d7e },
  { messageId: 0x8001, body: { replySerial: 0x7e01, replyId: 0x0200, result: 0 } },
);

describe('FrameDecoder properties', () => {
  it('never throws on random bytes in random chunks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cutsArbitrary, fc.integer({ min: 8, max: 4096 }), (bytes, cuts, maxFrameBytes) => {
        const decoder = new FrameDecoder({ maxFrameBytes });
        for (const part of chunk(bytes, cuts)) decoder.push(part);
        assert.ok(decoder.bufferedBytes <= maxFrameBytes + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random bytes rich in flags and escapes', () => {
    const byte = fc.oneof(fc.constantFrom(0x7e, 0x7d, 0x01, 0x02), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 400 }), cutsArbitrary, (bytes, cuts) => {
        const decoder = new FrameDecoder({ verifyChecksum: false });
        for (const part of chunk(Uint8Array.from(bytes), cuts)) decoder.push(part);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes a valid frame that follows random junk without flags', () => {
    const junkByte = fc.integer({ min: 0, max: 255 }).filter((value) => value !== 0x7e);
    fc.assert(
      fc.property(fc.array(junkByte, { maxLength: 300 }), cutsArbitrary, (junk, cuts) => {
        const stream = Buffer.concat([Buffer.from(junk), frame]);
        const decoder = new FrameDecoder();
        const events = chunk(stream, cuts).flatMap((part) => decoder.push(part));
        const frames = events.filter((event) => event.kind === 'frame');
        assert.equal(frames.length, 1);
        const only = frames[0];
        assert.equal(only?.kind, 'frame');
        assert.ok(only?.kind === 'frame' ? only.wire.equals(frame) : false, 'the decoded wire is the appended frame');
        const discarded = events.reduce((sum, event) => sum + (event.kind === 'discard' ? event.bytes : 0), 0);
        assert.equal(discarded, junk.length);
      }),
      { numRuns: 500 },
    );
  });
});
