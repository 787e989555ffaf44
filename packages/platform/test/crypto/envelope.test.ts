import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { addToCounter, open, seal, Sealer, type DataKey } from '../../src/crypto/envelope.ts';

const sm4Key: DataKey = { id: 7, algorithm: 'sm4-ctr-hmac-sm3', encKey: randomBytes(16), macKey: randomBytes(32) };
const gcmKey: DataKey = { id: 8, algorithm: 'aes-256-gcm', encKey: randomBytes(32), macKey: Buffer.alloc(0) };

describe('sealed blobs', () => {
  for (const key of [sm4Key, gcmKey]) {
    it(`round-trips values of every length under ${key.algorithm}`, () => {
      const sealer = new Sealer(key);
      const values = Array.from({ length: 40 }, (_, n) => randomBytes(n));
      const blobs = values.map((v, i) => sealer.seal(v, `row|${i}`));
      blobs.forEach((blob, i) => assert.deepEqual(open(key, blob, `row|${i}`, 'value'), values[i]));
    });

    it(`rejects a flipped bit anywhere under ${key.algorithm}`, () => {
      const blob = seal(key, Buffer.from('39.467712,75.993823'), 'row|1');
      for (let i = 0; i < blob.length; i++) {
        const altered = Buffer.from(blob);
        altered[i]! ^= 0x01;
        assert.throws(() => open(key, altered, 'row|1', 'value'), { code: 'GONGCHE_ERR_DECRYPT_FAILED' }, `byte ${i}`);
      }
    });

    it(`rejects a blob moved to another row under ${key.algorithm}`, () => {
      const blob = seal(key, Buffer.from('secret'), 'positions|1|a');
      assert.throws(() => open(key, blob, 'positions|2|a', 'value'), { code: 'GONGCHE_ERR_DECRYPT_FAILED' });
    });
  }

  it('never reuses SM4 key stream between values of one sealer', () => {
    const sealer = new Sealer(sm4Key);
    const zeros = Buffer.alloc(20);
    const a = sealer.seal(zeros, 'a');
    const b = sealer.seal(zeros, 'b');
    const ivA = a.subarray(6, 22);
    const ivB = b.subarray(6, 22);
    assert.deepEqual(ivB, addToCounter(ivA, 2));
    assert.notDeepEqual(a.subarray(22, 42), b.subarray(22, 42));
  });

  it('carries the counter into the high half', () => {
    const iv = Buffer.from('0000000000000001ffffffffffffffff', 'hex');
    assert.equal(addToCounter(iv, 1).toString('hex'), '00000000000000020000000000000000');
  });

  it('fails with another key of the same id', () => {
    const blob = seal(sm4Key, Buffer.from('x'), 'r');
    const other = { ...sm4Key, encKey: randomBytes(16), macKey: randomBytes(32) };
    assert.throws(() => open(other, blob, 'r', 'value'), { code: 'GONGCHE_ERR_DECRYPT_FAILED' });
  });
});
