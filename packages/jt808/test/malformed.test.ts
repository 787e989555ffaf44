import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, decodeMessage, encodeFrame, encodeMessage, FrameDecoder, gbk, Jt808Error, type Jt808ErrorCode } from '../src/index.ts';

/** Wraps unescaped content (check code appended here unless given) in flags, escaping it. */
function wireOf(contentHex: string, checkCode?: number): Buffer {
  const content = Buffer.from(contentHex, 'hex');
  let code = 0;
  for (const byte of content) code ^= byte;
  const bytes = [...content, checkCode ?? code];
  const escaped = bytes.flatMap((byte) => (byte === 0x7e ? [0x7d, 0x02] : byte === 0x7d ? [0x7d, 0x01] : [byte]));
  return Buffer.from([0x7e, ...escaped, 0x7e]);
}

const HEARTBEAT = '00020000013800000000' + '0001';
const LOCATION_HEADER = (length: number) => '0200' + length.toString(16).padStart(4, '0') + '013800000000' + '0005';
const BASIC_BLOCK = '00000000' + '00000002' + '01588b3c' + '06cb8f8c' + '0010' + '0064' + '005a';

const frameCases: { name: string; wire: Buffer; code: Jt808ErrorCode }[] = [
  { name: 'rejects a frame whose check code does not match', wire: wireOf(HEARTBEAT, 0x55), code: 'JT808_ERR_CHECKSUM' },
  { name: 'rejects 0x7d followed by a byte other than 0x01 or 0x02', wire: Buffer.from('7e000200007d03000000000001007e', 'hex'), code: 'JT808_ERR_ESCAPE' },
  { name: 'rejects 0x7d right before the end flag', wire: Buffer.from('7e0002000001380000000000017d7e', 'hex'), code: 'JT808_ERR_ESCAPE' },
  { name: 'rejects a body shorter than the declared length', wire: wireOf('0002000a' + '013800000000' + '0001' + '0102'), code: 'JT808_ERR_BODY_LENGTH' },
  { name: 'rejects a body longer than the declared length', wire: wireOf(HEARTBEAT + '0102'), code: 'JT808_ERR_BODY_LENGTH' },
  { name: 'rejects a frame too short for a header', wire: Buffer.from('7e000200017e', 'hex'), code: 'JT808_ERR_FRAME_TOO_SHORT' },
  { name: 'rejects bytes without both flags', wire: Buffer.from('7e0002000001380000000000010b', 'hex'), code: 'JT808_ERR_MISSING_FLAG' },
  { name: 'rejects an unescaped flag inside the frame', wire: Buffer.from('7e00020000017e380000000000017e', 'hex'), code: 'JT808_ERR_ESCAPE' },
  { name: 'rejects a phone number with a nibble above 9', wire: wireOf('00020000' + '01380000000a' + '0001'), code: 'JT808_ERR_BCD' },
  { name: 'rejects a 2019 header whose body length fits neither layout', wire: wireOf('00024003' + '01' + '00000000013800000000' + '0001'), code: 'JT808_ERR_BODY_LENGTH' },
];

const messageCases: { name: string; wire: Buffer; code: Jt808ErrorCode }[] = [
  { name: 'rejects a location report shorter than the basic block', wire: wireOf(LOCATION_HEADER(4) + '00000000'), code: 'JT808_ERR_TRUNCATED_BODY' },
  { name: 'rejects a message id without a body decoder', wire: wireOf('0f01000001380000000000010000'.slice(0, 24)), code: 'JT808_ERR_UNSUPPORTED_MESSAGE' },
  { name: 'rejects an RSA-encrypted body', wire: wireOf('00020400' + '013800000000' + '0001'), code: 'JT808_ERR_ENCRYPTED_BODY' },
  { name: 'rejects one package of a sub-packaged message', wire: wireOf('00022000' + '013800000000' + '0001' + '00020001'), code: 'JT808_ERR_SUBPACKAGE' },
  { name: 'rejects a general response cut short', wire: wireOf('00010002' + '013800000000' + '0001' + '0001'), code: 'JT808_ERR_TRUNCATED_BODY' },
];

describe('malformed input', () => {
  for (const { name, wire, code } of frameCases) {
    it(name, () => {
      assert.throws(() => decodeFrame(wire), (error: unknown) => error instanceof Jt808Error && error.code === code);
    });
  }

  for (const { name, wire, code } of messageCases) {
    it(name, () => {
      const frame = decodeFrame(wire);
      assert.throws(() => decodeMessage(frame), (error: unknown) => error instanceof Jt808Error && error.code === code);
    });
  }

  it('reports every malformed frame as an error event and keeps the next frame', () => {
    const good = wireOf(HEARTBEAT);
    for (const { name, wire, code } of frameCases) {
      const events = new FrameDecoder().push(Buffer.concat([wire, good]));
      const errors = events.filter((event) => event.kind === 'error');
      assert.ok(errors.length > 0, `${name}: an error event`);
      // Without its flags, or with a flag inside, the stream splits such bytes into other frames.
      if (code === 'JT808_ERR_MISSING_FLAG' || wire.indexOf(0x7e, 1) < wire.length - 1) continue;
      assert.ok(errors.some((event) => event.kind === 'error' && event.error.code === code), `${name}: error event with ${code}`);
      assert.equal(events.filter((event) => event.kind === 'frame').length, 1, `${name}: the good frame survives`);
    }
  });

  it('reads a check code escaped as 0x7d 0x01 right before the end flag', () => {
    const content = Buffer.from(HEARTBEAT, 'hex');
    const base = content.reduce((code, byte) => code ^ byte, 0);
    // Choose the serial so that the check code is 0x7d.
    content[11] = base ^ content[11]! ^ 0x7d;
    const wire = wireOf(content.toString('hex'));
    assert.equal(wire.subarray(-3).toString('hex'), '7d017e');
    assert.equal(decodeFrame(wire).content.at(-1), 0x7d);
  });

  it('decodes a 2019 flag on a 2013 header as 2013', () => {
    const frame = decodeFrame(wireOf('00024000' + '013800000000' + '0001'));
    assert.equal(frame.header.edition, '2013');
    assert.equal(frame.header.versionFlagWith2013Header, true);
    assert.equal(frame.header.phone, '013800000000');
  });

  it('reads an invalid BCD time as null and keeps the raw digits', () => {
    const body = BASIC_BLOCK + '2413451299ff';
    const message = decodeMessage(decodeFrame(wireOf(LOCATION_HEADER(28) + body)));
    assert.equal(message.messageId, 0x0200);
    assert.ok(message.messageId === 0x0200);
    assert.equal(message.body.time, null);
    assert.equal(message.body.timeBcd, '2413451299ff');
    assert.equal(message.body.latitude, 22.580028);
  });

  it('rejects a February 30th and accepts a leap day', () => {
    const invalid = decodeMessage(decodeFrame(wireOf(LOCATION_HEADER(28) + BASIC_BLOCK + '230230120000')));
    assert.equal(invalid.messageId, 0x0200);
    assert.equal(invalid.messageId === 0x0200 ? invalid.body.time : undefined, null);
    const leap = decodeMessage(decodeFrame(wireOf(LOCATION_HEADER(28) + BASIC_BLOCK + '240229000000')));
    assert.ok(leap.messageId === 0x0200);
    assert.equal(leap.body.time?.toISOString(), '2024-02-28T16:00:00.000Z');
  });

  it('keeps the position when an item overruns the block', () => {
    const message = decodeMessage(decodeFrame(wireOf(LOCATION_HEADER(34) + BASIC_BLOCK + '240102030405' + '300110' + 'fb0500')));
    assert.ok(message.messageId === 0x0200);
    assert.deepEqual(message.body.items.map((item) => item.id), [0x30]);
    assert.deepEqual(message.body.truncatedItem, { id: 0xfb, declared: 5, present: 1 });
  });

  it('rejects non-ASCII text in the built-in codec', () => {
    assert.throws(() => gbk.encode('粤B12345'), { code: 'JT808_ERR_TEXT_ENCODING' });
    assert.throws(
      () => encodeMessage({ edition: '2013', phone: '1', serial: 1 }, { messageId: 0x8300, body: { flags: 0, text: '通知' } }),
      { code: 'JT808_ERR_TEXT_ENCODING' },
    );
  });

  it('rejects header values that do not fit their fields', () => {
    assert.throws(() => encodeFrame({ edition: '2013', phone: '1380000000a', serial: 1 }, 0x0002, Buffer.alloc(0)), { code: 'JT808_ERR_INVALID_FIELD' });
    assert.throws(() => encodeFrame({ edition: '2013', phone: '1234567890123', serial: 1 }, 0x0002, Buffer.alloc(0)), { code: 'JT808_ERR_INVALID_FIELD' });
    assert.throws(() => encodeFrame({ edition: '2013', phone: '1', serial: 70000 }, 0x0002, Buffer.alloc(0)), { code: 'JT808_ERR_INVALID_FIELD' });
    assert.throws(() => encodeFrame({ edition: '2013', phone: '1', serial: 1 }, 0x0900, Buffer.alloc(1024)), { code: 'JT808_ERR_INVALID_FIELD' });
  });

  it('rejects a position whose coordinate sign contradicts the status bits', () => {
    const position = {
      alarm: 0, status: 0x02, latitude: -22.5, longitude: 113.9, altitudeM: 0, speedKmh: 0, course: 0,
      time: new Date('2024-01-01T00:00:00Z'), timeBcd: '240101080000', fixed: true, acc: false, items: [],
    };
    assert.throws(() => encodeMessage({ edition: '2013', phone: '1', serial: 1 }, { messageId: 0x0200, body: position }), { code: 'JT808_ERR_INVALID_FIELD' });
  });
});
