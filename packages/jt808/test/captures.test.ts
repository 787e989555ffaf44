import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  decodeAvResourceList, decodeFrame, decodeMessage, encodeMessage, FrameDecoder, Jt808Error, setBits,
  SubpackageAssembler, type Frame, type HeaderInit, type Message, type StreamEvent,
} from '../src/index.ts';
import { assertClose, assertMatches, assertPosition, captureById, gbkCodec, hex, isoSeconds, loadCaptures, type FixtureEntry } from './helpers.ts';

const captures = loadCaptures();
const REJECTING_CODES: Record<string, string[]> = {
  checksum: ['JT808_ERR_CHECKSUM'],
  bodyLength: ['JT808_ERR_BODY_LENGTH'],
  batchItemTruncated: ['JT808_ERR_TRUNCATED_BODY'],
};

function onlyFrame(events: StreamEvent[]): { frame: Frame; wire: Buffer } {
  const frames = events.filter((event) => event.kind === 'frame');
  assert.equal(frames.length, 1, `expected one frame, got events ${JSON.stringify(events.map((event) => event.kind))}`);
  const event = frames[0]!;
  assert.equal(event.kind, 'frame');
  return event;
}

function assertHeader(message: Message, expected: Record<string, any>): void {
  const header = message.header;
  if ('messageId' in expected) assert.equal(hex(header.messageId, 4), expected.messageId, 'messageId');
  if ('edition' in expected) {
    const edition = expected.edition === '2011' ? '2013' : expected.edition;
    assert.equal(header.edition, edition, 'header edition');
  }
  if ('protocolVersion' in expected) assert.equal(header.protocolVersion, expected.protocolVersion, 'protocolVersion');
  if ('phone' in expected) assert.equal(header.phone, expected.phone, 'phone');
  if ('serial' in expected) assert.equal(header.serial, expected.serial, 'serial');
  if ('bodyLength' in expected) assert.equal(header.bodyLength, expected.bodyLength, 'bodyLength');
  if ('subpackage' in expected) assert.deepEqual(header.subpackage, expected.subpackage, 'subpackage');
  const defects: string[] = expected.defects ?? [];
  assert.equal(header.versionFlagWith2013Header === true, defects.includes('versionFlagWith2013Header'), 'versionFlagWith2013Header');
}

function assertBody(message: Message, expected: Record<string, any>): void {
  if (expected.positions) assertPositions(message, expected);
  if (expected.registration) {
    assert.equal(message.messageId, 0x0100);
    assertMatches(message.body, expected.registration, 'registration');
    if (message.messageId === 0x0100 && expected.edition !== '2019') {
      assert.equal(message.body.layout, expected.edition, 'registration layout');
    }
  }
  if ('authCode' in expected) {
    assert.equal(message.messageId, 0x0102);
    assert.equal(message.body.authCode, expected.authCode);
  }
  if (expected.generalResponse) {
    assert.equal(message.messageId, 0x8001);
    const { replyId, ...rest } = expected.generalResponse;
    assertMatches(message.body, { ...rest, replyId: Number(replyId) }, 'generalResponse');
  }
  const defects: string[] = expected.defects ?? [];
  if (defects.includes('itemOverrun') && message.messageId === 0x0200) {
    assert.ok(message.body.truncatedItem, 'an overrunning item is reported as truncatedItem');
  }
}

function assertPositions(message: Message, expected: Record<string, any>): void {
  if (message.messageId === 0x0200) {
    assert.equal(expected.positions.length, 1);
    assertPosition(message.body, expected.positions[0], 'position');
    return;
  }
  assert.equal(message.messageId, 0x0704, 'positions come from 0x0200 or 0x0704');
  const batch = message.body;
  assert.equal(batch.positions.length, expected.positions.length, 'decoded batch items');
  expected.positions.forEach((position: Record<string, any>, index: number) => assertPosition(batch.positions[index]!, position, `positions[${index}]`));
  if (expected.batch) {
    assert.equal(batch.count, expected.batch.count, 'batch count');
    assert.equal(batch.type, expected.batch.type, 'batch type');
    assert.deepEqual(batch.truncatedItem, expected.batch.truncatedItem, 'batch truncatedItem');
  }
}

/** The 0x8001 the gateway sends for `message` when its own serial counter starts at 1. */
function replyTo(message: Message): Buffer {
  const header: HeaderInit = { edition: message.header.edition, phone: message.header.phone, serial: 1 };
  if (message.header.protocolVersion !== undefined) header.protocolVersion = message.header.protocolVersion;
  return encodeMessage(header, { messageId: 0x8001, body: { replySerial: message.header.serial, replyId: message.header.messageId, result: 0 } });
}

function decodeStrict(entry: FixtureEntry): Message {
  const wire = Buffer.from(entry.hex, 'hex');
  const { frame } = onlyFrame(new FrameDecoder().push(wire));
  assert.deepEqual(decodeFrame(wire).content, frame.content, 'decodeFrame and FrameDecoder agree');
  return decodeMessage(frame, { text: gbkCodec });
}

describe('published terminal captures', () => {
  for (const entry of captures.filter((candidate) => candidate.kind === 'frame' && candidate.valid && !candidate.expect.subpackage)) {
    it(`decodes ${entry.id} with check codes enforced`, () => {
      const message = decodeStrict(entry);
      assertHeader(message, entry.expect);
      assertBody(message, entry.expect);
      if (entry.expect.reply) assert.equal(replyTo(message).toString('hex'), entry.expect.reply, 'reply');
    });
  }

  for (const entry of captures.filter((candidate) => candidate.kind === 'frame' && !candidate.valid)) {
    it(`rejects ${entry.id} with a coded error, then reads it with checking off`, () => {
      const wire = Buffer.from(entry.hex, 'hex');
      const allowed = (entry.expect.defects as string[]).flatMap((defect) => REJECTING_CODES[defect] ?? []);
      assert.throws(() => decodeMessage(decodeFrame(wire)), (error: unknown) => error instanceof Jt808Error && allowed.includes(error.code));
      const events = new FrameDecoder().push(wire);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.kind, 'error', 'the stream reports the bad frame as an error event');

      const lenient = decodeMessage(decodeFrame(wire, { verifyChecksum: false }), { text: gbkCodec });
      assertHeader(lenient, entry.expect);
      assertBody(lenient, entry.expect);
    });
  }

  it('reads the short body of SC11 as far as it goes with checking off', () => {
    const frame = decodeFrame(Buffer.from(captureById(captures, 'SC11').hex, 'hex'), { verifyChecksum: false });
    assert.deepEqual(frame.truncatedBody, { declared: 473, present: 469 });
    assert.throws(() => decodeFrame(Buffer.from(captureById(captures, 'SC11').hex, 'hex'), { verifyChecksum: false, allowShortBody: false }), { code: 'JT808_ERR_BODY_LENGTH' });
  });

  it('discards the HTTP request before the B04 heartbeat and replies to it', () => {
    const entry = captureById(captures, 'B04');
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.from(entry.hex, 'hex'));
    assert.deepEqual(events[0], { kind: 'discard', bytes: entry.expect.discardedBytes });
    const message = decodeMessage(onlyFrame(events).frame);
    assertHeader(message, entry.expect);
    assert.equal(replyTo(message).toString('hex'), entry.expect.reply);
    assert.equal(decoder.bufferedBytes, 0);
    const again = decoder.push(Buffer.from(entry.hex.slice(entry.expect.discardedBytes * 2), 'hex'));
    assert.equal(onlyFrame(again).frame.header.serial, entry.expect.serial, 'the connection stays usable');
  });

  for (const entry of captures.filter((candidate) => candidate.kind === 'encode')) {
    it(`encodes ${entry.id} byte for byte and decodes it back`, () => {
      const expected = entry.expect;
      const header: HeaderInit = { edition: expected.edition, phone: expected.phone, serial: expected.serial };
      if (expected.protocolVersion !== undefined) header.protocolVersion = expected.protocolVersion;
      const messageId = Number(expected.messageId);
      let wire: Buffer;
      if (messageId === 0x8001) {
        const response = expected.generalResponse;
        wire = encodeMessage(header, { messageId: 0x8001, body: { replySerial: response.replySerial, replyId: Number(response.replyId), result: response.result } });
      } else {
        assert.equal(messageId, 0x8104);
        wire = encodeMessage(header, { messageId: 0x8104, body: {} });
      }
      assert.equal(wire.toString('hex'), entry.hex);
      const message = decodeMessage(decodeFrame(Buffer.from(entry.hex, 'hex')));
      assertHeader(message, expected);
      assertBody(message, expected);
    });
  }

  const parts = ['SC12a', 'SC12b'].map((id) => captureById(captures, id));
  for (const order of [[0, 1], [1, 0]]) {
    const names = order.map((index) => parts[index]!.id).join(' then ');
    it(`reassembles the 0x1205 sub-packages fed ${names}`, () => {
      const assembler = new SubpackageAssembler();
      const frames = order.map((index) => {
        const frame = decodeFrame(Buffer.from(parts[index]!.hex, 'hex'));
        assertHeader({ messageId: 0x0002, body: {}, header: frame.header }, parts[index]!.expect);
        return frame;
      });
      assert.equal(assembler.add(frames[0]!, 0), null, 'the first package is held');
      const joined = assembler.add(frames[1]!, 1000);
      assert.ok(joined, 'the second package completes the message');
      const reassembled = parts[1]!.expect.reassembled;
      assert.equal(joined.body.length, reassembled.bodyLength);
      assert.equal(joined.header.subpackage, undefined);
      assert.equal(joined.header.serial, parts[0]!.expect.serial, 'the joined header is the one of package 1');
      assertAvResourceList(decodeAvResourceList(joined.body), reassembled.avResourceList);
      assert.equal(assembler.pendingCount, 0);
    });
  }
});

function assertAvResourceList(list: ReturnType<typeof decodeAvResourceList>, expected: Record<string, any>): void {
  assert.equal(list.replySerial, expected.replySerial);
  assert.equal(list.count, expected.count);
  assert.equal(list.resources.length, expected.count);
  for (const [key, resource] of [['first', list.resources[0]!], ['last', list.resources.at(-1)!]] as const) {
    const { startUtc, endUtc, alarmBits, ...rest } = expected[key];
    assert.equal(isoSeconds(resource.startTime), startUtc, `${key}.startUtc`);
    assert.equal(isoSeconds(resource.endTime), endUtc, `${key}.endUtc`);
    assert.deepEqual([...setBits(resource.alarm), ...setBits(resource.videoAlarm).map((bit) => bit + 32)], alarmBits, `${key}.alarmBits`);
    for (const [field, value] of Object.entries(rest)) assertClose(resource[field as keyof typeof resource], value as number, `${key}.${field}`);
  }
}

describe('capture copy', () => {
  // The fixtures folder beside the checkout is the published set; this copy must not drift from it.
  const published = new URL('../../../../shared/fixtures/jt808/frames.json', import.meta.url);
  it('matches the published capture set', { skip: !existsSync(published) && 'published set not beside the checkout' }, () => {
    assert.deepEqual(loadCaptures(), JSON.parse(readFileSync(published, 'utf8')));
  });
});
