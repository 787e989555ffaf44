import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeMessage, type Message, type Position } from '@gongche/jt808';
import { parseCapture } from '../../src/replay/parse.ts';
import { describeAnswer, replayFile } from '../../src/replay/replay.ts';
import { gbkCodec } from '../../src/text-codec.ts';
import { FakeGateway } from '../simulator/fake-gateway.ts';

const position: Position = {
  alarm: 0,
  status: 0x03,
  latitude: 39.4677,
  longitude: 75.9938,
  altitudeM: 1290,
  speedKmh: 36.5,
  course: 90,
  time: new Date('2025-03-01T02:00:00Z'),
  timeBcd: '250301100000',
  fixed: true,
  acc: true,
  items: [],
};

function frameHex(phone: string, serial: number, edition: '2013' | '2019' = '2013'): string {
  return encodeMessage({ edition, phone, serial }, { messageId: 0x0200, body: position }, { text: gbkCodec }).toString('hex');
}

/** Flips the check code byte (the one before the end flag) of a frame that needs no escaping there. */
function breakChecksum(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01;
  return bytes.toString('hex');
}

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-replay-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeCapture(lines: string[]): string {
  const file = path.join(dir, `capture-${Math.random().toString(16).slice(2)}.txt`);
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

describe('capture parsing', () => {
  test('reports bad lines with their line numbers', () => {
    const good = frameHex('013900000000', 1);
    const capture = parseCapture(['# captured on 2025-03-01', '', good, 'zz12', '7e0200', 'abc', `  ${good.replace(/(..)/g, '$1 ')}  `].join('\n'));
    assert.deepEqual(capture.frames.map((f) => f.line), [3, 7]);
    assert.deepEqual(capture.skipped.map((s) => s.line), [4, 5, 6]);
    assert.match(capture.skipped[0]!.reason, /not hex/);
    assert.match(capture.skipped[1]!.reason, /not a JT\/T 808 frame/);
    assert.match(capture.skipped[2]!.reason, /not hex/);
  });

  test('keeps a frame with an invalid check code, marked invalid', () => {
    const capture = parseCapture(breakChecksum(frameHex('013900000000', 4)));
    assert.equal(capture.skipped.length, 0);
    assert.equal(capture.frames[0]!.checksumValid, false);
    assert.equal(capture.frames[0]!.header.serial, 4);
  });
});

describe('replayFile', () => {
  let gateway: FakeGateway;
  before(async () => {
    gateway = await FakeGateway.start({ ignore: (m) => m.header.messageId === 0x0200 && m.header.serial === 66 });
  });
  after(() => gateway.close());

  test('authenticates each phone first, then sends its frames byte for byte', async () => {
    const first = gateway.received.length;
    const lines = [frameHex('013900000000', 10), 'not a frame', frameHex('013900000001', 20, '2019'), frameHex('013900000000', 11), breakChecksum(frameHex('013900000000', 12))];
    const printed: string[] = [];
    const report = await replayFile({ file: writeCapture(lines), host: '127.0.0.1', port: gateway.port, answerTimeoutMs: 500, print: (line) => printed.push(line) });

    assert.equal(report.frames, 4);
    assert.deepEqual(report.skipped.map((s) => s.line), [2]);
    assert.deepEqual(report.terminals.map((t) => [t.phone, t.edition]), [['013900000000', '2013'], ['00000000013900000001', '2019']]);
    const [a, b] = report.terminals;
    assert.equal(a!.ownAuthentication, true);
    assert.equal(a!.framesSent, 3);
    assert.deepEqual(a!.invalidChecksum, [5]);
    assert.deepEqual(a!.unanswered, [5], 'the fake gateway drops the frame with the bad check code');
    assert.equal(b!.framesSent, 1);

    const received = gateway.received.slice(first).map((r) => [r.message.header.messageId, r.message.header.serial, r.message.header.edition]);
    assert.deepEqual(received, [
      [0x0100, 0xfff0, '2013'],
      [0x0102, 0xfff1, '2013'],
      [0x0200, 10, '2013'],
      [0x0200, 11, '2013'],
      [0x0100, 0xfff0, '2019'],
      [0x0102, 0xfff1, '2019'],
      [0x0200, 20, '2019'],
    ]);
    assert.ok(printed.some((line) => /line 2: skipped/.test(line)));
    assert.ok(printed.some((line) => /0x8001 serial \d+ reply to 0x0200 serial 10: result 0 \(success\)/.test(line)), printed.join('\n'));
    assert.ok(printed.some((line) => /line 5: .*invalid check code/.test(line)));
  });

  test('uses the auth frames of the file instead of its own', async () => {
    const first = gateway.received.length;
    const authHex = encodeMessage({ edition: '2013', phone: '013900000002', serial: 1 }, { messageId: 0x0102, body: { authCode: 'AUTH-1' } }).toString('hex');
    const report = await replayFile({ file: writeCapture([authHex, frameHex('013900000002', 2)]), host: '127.0.0.1', port: gateway.port, answerTimeoutMs: 500 });

    assert.equal(report.terminals[0]!.ownAuthentication, false);
    assert.deepEqual(gateway.received.slice(first).map((r) => r.message.header.messageId), [0x0102, 0x0200]);
    assert.deepEqual(report.terminals[0]!.unanswered, []);
  });

  test('fails a phone whose captured auth code is rejected', async () => {
    const authHex = encodeMessage({ edition: '2013', phone: '013900000004', serial: 1 }, { messageId: 0x0102, body: { authCode: 'WRONG' } }).toString('hex');
    const report = await replayFile({ file: writeCapture([authHex, frameHex('013900000004', 2)]), host: '127.0.0.1', port: gateway.port, answerTimeoutMs: 500 });
    assert.match(report.terminals[0]!.failure ?? '', /authentication rejected: result 1/);
    assert.equal(report.terminals[0]!.framesSent, 1);
  });

  test('reports a frame the gateway leaves unanswered', async () => {
    const report = await replayFile({ file: writeCapture([frameHex('013900000003', 66)]), host: '127.0.0.1', port: gateway.port, answerTimeoutMs: 200 });
    assert.deepEqual(report.terminals[0]!.unanswered, [1]);
  });

  test('records a refused connection as the failure of that phone', async () => {
    const closed = await FakeGateway.start();
    const port = closed.port;
    await closed.close();
    const report = await replayFile({ file: writeCapture([frameHex('013900000000', 1)]), host: '127.0.0.1', port, answerTimeoutMs: 200 });
    assert.match(report.terminals[0]!.failure ?? '', /connection to 127\.0\.0\.1:\d+ failed/);
  });
});

describe('describeAnswer', () => {
  test('names a registration result in words', () => {
    const message = { messageId: 0x8100, header: { messageId: 0x8100, serial: 3 }, body: { replySerial: 9, result: 4 } } as unknown as Message;
    assert.equal(describeAnswer(message), '0x8100 serial 3 registration reply to serial 9: result 4 (terminal not in the platform database)');
  });
});
