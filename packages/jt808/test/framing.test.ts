import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage, FrameDecoder, type Frame, type Jt808Error, type StreamEvent } from '../src/index.ts';

function frameOf(event: StreamEvent | undefined): { frame: Frame; wire: Buffer } {
  assert.equal(event?.kind, 'frame');
  return event as { frame: Frame; wire: Buffer };
}

function errorOf(event: StreamEvent | undefined): { error: Jt808Error; wire: Buffer } {
  assert.equal(event?.kind, 'error');
  return event as { error: Jt808Error; wire: Buffer };
}
import { loadCaptures } from './helpers.ts';

const goodWires = loadCaptures()
  .filter((entry) => entry.kind === 'frame' && entry.valid)
  .map((entry) => Buffer.from(entry.hex, 'hex'));

/** Events with frames reduced to their content, so chunked and whole feeds can be compared. */
function summarise(events: StreamEvent[]): string[] {
  return events.map((event) => {
    if (event.kind === 'frame') return `frame ${event.frame.content.toString('hex')} ${event.wire.toString('hex')}`;
    if (event.kind === 'error') return `error ${event.error.code} ${event.wire.toString('hex')}`;
    return `discard ${event.bytes}`;
  });
}

function feed(decoder: FrameDecoder, chunks: Buffer[]): StreamEvent[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

function heartbeat(serial: number): Buffer {
  return encodeMessage({ edition: '2013', phone: '13800000000', serial }, { messageId: 0x0002, body: {} });
}

describe('FrameDecoder', () => {
  it('yields every frame of a read that holds several frames', () => {
    const stream = Buffer.concat(goodWires.slice(0, 5));
    const events = new FrameDecoder().push(stream);
    assert.equal(events.length, 5);
    events.forEach((event, index) => {
      assert.ok(frameOf(event).wire.equals(goodWires[index]!), `wire ${index} is the input frame`);
    });
  });

  it('gives the same events when a stream is split at every byte boundary', () => {
    const stream = Buffer.concat([Buffer.from('junk'), goodWires[0]!, Buffer.from([0x01, 0x02]), goodWires[1]!, goodWires[20]!]);
    const whole = summarise(new FrameDecoder().push(stream));
    assert.equal(whole.filter((line) => line.startsWith('frame')).length, 3);
    for (let cut = 1; cut < stream.length; cut++) {
      const split = summarise(feed(new FrameDecoder(), [stream.subarray(0, cut), stream.subarray(cut)]));
      const merged = mergeDiscards(split);
      assert.deepEqual(merged, mergeDiscards(whole), `split at byte ${cut}`);
    }
  });

  it('gives the same frames when fed byte by byte', () => {
    for (const wire of goodWires) {
      const decoder = new FrameDecoder();
      const events = feed(decoder, [...wire].map((byte) => Buffer.from([byte])));
      assert.deepEqual(summarise(events), summarise(new FrameDecoder().push(wire)));
      assert.equal(decoder.bufferedBytes, 0);
    }
  });

  it('holds a partial frame across pushes and reports its buffered bytes', () => {
    const wire = heartbeat(7);
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(wire.subarray(0, 5)), []);
    assert.equal(decoder.bufferedBytes, 5);
    const events = decoder.push(wire.subarray(5));
    assert.equal(events.length, 1);
    assert.equal(frameOf(events[0]).frame.header.serial, 7);
    assert.equal(decoder.bufferedBytes, 0);
  });

  it('discards junk before a start flag and counts it', () => {
    const events = new FrameDecoder().push(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n'), heartbeat(1)]));
    assert.deepEqual(events[0], { kind: 'discard', bytes: 16 });
    assert.equal(events[1]!.kind, 'frame');
  });

  it('treats the second of two consecutive flags as the start of a frame', () => {
    // The junk ends with the end flag of a frame whose start was never seen.
    const tail = Buffer.from([0x12, 0x34, 0x56, 0x7e]);
    const events = new FrameDecoder().push(Buffer.concat([tail, heartbeat(3)]));
    assert.deepEqual(summarise(events).map((line) => line.split(' ')[0]), ['discard', 'frame']);
    assert.deepEqual(events[0], { kind: 'discard', bytes: 3 });
  });

  it('recovers after junk between flags', () => {
    const stream = Buffer.concat([Buffer.from([0x11, 0x7e]), Buffer.from('SCAN'), heartbeat(9)]);
    const events = new FrameDecoder().push(stream);
    const kinds = events.map((event) => event.kind);
    assert.deepEqual(kinds, ['discard', 'error', 'frame']);
    assert.equal(frameOf(events[2]).frame.header.serial, 9);
  });

  it('reports an oversized frame and decodes the next one', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 64 });
    const big = Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(200, 0x33)]);
    const events = feed(decoder, [big.subarray(0, 50), big.subarray(50), heartbeat(4)]);
    assert.equal(errorOf(events[0]).error.code, 'JT808_ERR_FRAME_TOO_LARGE');
    assert.equal(errorOf(events[0]).wire.length, 65, 'the wire keeps the flag and the first maxFrameBytes bytes');
    const frames = events.filter((event) => event.kind === 'frame');
    assert.equal(frames.length, 1);
    assert.ok(decoder.bufferedBytes <= 65);
  });

  it('keeps decoding after a frame with a bad check code', () => {
    const bad = Buffer.from(heartbeat(1));
    // Byte 12 is the low serial byte; flipping it breaks the check code.
    bad[12] = bad[12]! ^ 0x01;
    const events = new FrameDecoder().push(Buffer.concat([bad, heartbeat(2)]));
    assert.equal(errorOf(events[0]).error.code, 'JT808_ERR_CHECKSUM');
    assert.equal(events.at(-1)?.kind, 'frame');
  });

  it('accepts frames with check codes off', () => {
    const bad = Buffer.from(heartbeat(1));
    // Byte 12 is the low serial byte; flipping it breaks the check code.
    bad[12] = bad[12]! ^ 0x01;
    const events = new FrameDecoder({ verifyChecksum: false }).push(bad);
    assert.equal(events[0]!.kind, 'frame');
  });
});

/** Joins adjacent discard counts, because a split inside junk reports it in two parts. */
function mergeDiscards(lines: string[]): string[] {
  const merged: string[] = [];
  for (const line of lines) {
    const previous = merged.at(-1);
    if (line.startsWith('discard') && previous?.startsWith('discard')) {
      merged[merged.length - 1] = `discard ${Number(previous.split(' ')[1]) + Number(line.split(' ')[1])}`;
    } else {
      merged.push(line);
    }
  }
  return merged;
}
