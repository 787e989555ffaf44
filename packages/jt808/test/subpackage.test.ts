import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, encodeSubpackages, SubpackageAssembler } from '../src/index.ts';

const header = { edition: '2013' as const, phone: '013800138000', serial: 65534 };
const body = Buffer.from(Array.from({ length: 2500 }, (_, index) => index % 251));

describe('sub-packages', () => {
  it('splits a body into packages with consecutive serials', () => {
    const frames = encodeSubpackages(header, 0x0900, body, 1000).map((wire) => decodeFrame(wire));
    assert.deepEqual(frames.map((frame) => frame.header.subpackage), [{ total: 3, index: 1 }, { total: 3, index: 2 }, { total: 3, index: 3 }]);
    assert.deepEqual(frames.map((frame) => frame.header.serial), [65534, 65535, 0]);
    assert.deepEqual(frames.map((frame) => frame.body.length), [1000, 1000, 500]);
  });

  it('sends a body that fits as one plain frame', () => {
    const frames = encodeSubpackages(header, 0x0900, body.subarray(0, 10), 1000);
    assert.equal(frames.length, 1);
    assert.equal(decodeFrame(frames[0]!).header.subpackage, undefined);
  });

  it('joins packages in any order and keys them without the serial', () => {
    const frames = encodeSubpackages(header, 0x0900, body, 1000).map((wire) => decodeFrame(wire));
    const assembler = new SubpackageAssembler();
    assert.equal(assembler.add(frames[2]!, 0), null);
    assert.equal(assembler.add(frames[0]!, 1), null);
    assert.equal(assembler.add(frames[0]!, 2), null, 'a duplicate package does not complete the message');
    const joined = assembler.add(frames[1]!, 3);
    assert.ok(joined);
    assert.ok(joined.body.equals(body));
    assert.equal(joined.header.serial, 65534);
    assert.equal(joined.header.bodyLength, body.length);
    assert.equal(joined.header.subpackage, undefined);
  });

  it('returns a frame without sub-packages unchanged', () => {
    const frame = decodeFrame(encodeSubpackages(header, 0x0900, body.subarray(0, 5), 100)[0]!);
    assert.equal(new SubpackageAssembler().add(frame, 0), frame);
  });

  it('reports missing packages at the first timeout and drops the message at the second', () => {
    const frames = encodeSubpackages({ ...header, serial: 100 }, 0x0900, body, 500).map((wire) => decodeFrame(wire));
    const assembler = new SubpackageAssembler({ timeoutMs: 1000 });
    assembler.add(frames[1]!, 0);
    assembler.add(frames[3]!, 500);
    assert.deepEqual(assembler.expire(1500), [], 'nothing expires within the timeout');
    assert.deepEqual(assembler.expire(1501), [{ phone: '013800138000', messageId: 0x0900, firstSerial: 100, missing: [1, 3, 5], dropped: false }]);
    assert.equal(assembler.pendingCount, 1);
    assert.deepEqual(assembler.expire(2502), [{ phone: '013800138000', messageId: 0x0900, firstSerial: 100, missing: [1, 3, 5], dropped: true }]);
    assert.equal(assembler.pendingCount, 0);
  });

  it('completes a message with packages resent after the first timeout', () => {
    const frames = encodeSubpackages({ ...header, serial: 100 }, 0x0900, body, 500).map((wire) => decodeFrame(wire));
    const assembler = new SubpackageAssembler({ timeoutMs: 1000 });
    for (const i of [1, 3]) assembler.add(frames[i]!, 0);
    assert.deepEqual(assembler.expire(1001).map((e) => e.missing), [[1, 3, 5]]);
    assert.equal(assembler.add(frames[0]!, 1100), null);
    assert.equal(assembler.add(frames[2]!, 1100), null);
    const joined = assembler.add(frames[4]!, 1100);
    assert.ok(joined);
    assert.deepEqual(joined.body, body);
  });

  it('evicts the oldest incomplete message beyond the pending limit', () => {
    const assembler = new SubpackageAssembler({ maxPending: 2 });
    for (const phone of ['013800000001', '013800000002', '013800000003']) {
      assembler.add(decodeFrame(encodeSubpackages({ ...header, phone }, 0x0900, body, 500)[0]!), 0);
    }
    assert.equal(assembler.pendingCount, 2);
    assert.deepEqual(assembler.expire(60_000).map((e) => e.phone), ['013800000002', '013800000003']);
  });

  it('rejects a package index above the total', () => {
    const frame = decodeFrame(encodeSubpackages(header, 0x0900, body, 1000)[0]!);
    const broken = { ...frame, header: { ...frame.header, subpackage: { total: 2, index: 3 } } };
    assert.throws(() => new SubpackageAssembler().add(broken, 0), { code: 'JT808_ERR_SUBPACKAGE' });
  });
});
