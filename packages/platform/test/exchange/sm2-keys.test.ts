import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateExchangeKeys, keyFiles, privateScalar, publicPoint, readPrivateKey, readPublicKey, signSm2, verifySm2 } from '../../src/exchange/sm2-keys.ts';
import { createWrappedKey, unwrapKey } from '../../src/exchange/package-crypto.ts';
import { verifyEcdsaReference, verifySm2Reference } from './sm2-reference.ts';

describe('exchange SM2 keys', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-exchange-keys-'));
    generateExchangeKeys(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes private keys with mode 0600 and never overwrites them', () => {
    assert.equal(fs.statSync(path.join(dir, keyFiles.signingKey)).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(dir, keyFiles.encryptionKey)).mode & 0o777, 0o600);
    assert.throws(() => generateExchangeKeys(dir), { code: 'GONGCHE_ERR_EXCHANGE_KEY' });
  });

  it('signs with SM2 per GB/T 32918.2 with an empty distinguishing ID', () => {
    const message = Buffer.from('{"packageId":"x"}\n');
    const publicKey = readPublicKey(path.join(dir, keyFiles.signingPublic));
    const signature = signSm2(readPrivateKey(path.join(dir, keyFiles.signingKey)), message);
    assert.equal(verifySm2Reference(publicKey, message, signature, ''), true);
    assert.equal(verifySm2Reference(publicKey, message, signature, '1234567812345678'), false);
    assert.equal(verifyEcdsaReference(publicKey, message, signature), false);
    assert.equal(verifySm2(publicKey, message, signature), true);
    assert.equal(verifySm2(publicKey, Buffer.from('{"packageId":"y"}\n'), signature), false);
  });

  it('shows that a key object fresh from generateKeyPairSync signs with ECDSA instead', () => {
    // The reason the exchange reads every key from PEM: this path gives no SM2 signature.
    const fresh = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const message = Buffer.from('m');
    const signature = sign('sm3', message, fresh.privateKey);
    assert.equal(verifyEcdsaReference(fresh.publicKey, message, signature), true);
    assert.equal(verifySm2Reference(fresh.publicKey, message, signature, ''), false);
  });

  it('rejects other curves and non-key files', () => {
    const p256 = path.join(dir, 'p256.pem');
    fs.writeFileSync(p256, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
    assert.throws(() => readPublicKey(p256), { code: 'GONGCHE_ERR_EXCHANGE_KEY', value: p256 });
    const text = path.join(dir, 'note.txt');
    fs.writeFileSync(text, 'not a key');
    assert.throws(() => readPrivateKey(text), { code: 'GONGCHE_ERR_EXCHANGE_KEY', value: text });
    assert.throws(() => readPublicKey(path.join(dir, 'missing.pem')), { code: 'GONGCHE_ERR_EXCHANGE_KEY' });
  });

  it('unwraps a package key only with the receiver private key', () => {
    const receiver = readPrivateKey(path.join(dir, keyFiles.encryptionKey));
    const point = publicPoint(readPublicKey(path.join(dir, keyFiles.encryptionPublic)));
    const wrapped = createWrappedKey(point, 'package-1');
    const opened = unwrapKey(privateScalar(receiver, 'encryption.key'), point, wrapped.ephemeralPoint, wrapped.wrapped, 'package-1');
    assert.deepEqual(opened, wrapped.key);

    const other = privateScalar(readPrivateKey(path.join(dir, keyFiles.signingKey)), 'signing.key');
    assert.throws(() => unwrapKey(other, point, wrapped.ephemeralPoint, wrapped.wrapped, 'package-1'), { code: 'GONGCHE_ERR_EXCHANGE_DECRYPT' });
    assert.throws(() => unwrapKey(privateScalar(receiver, 'encryption.key'), point, wrapped.ephemeralPoint, wrapped.wrapped, 'package-2'), { code: 'GONGCHE_ERR_EXCHANGE_DECRYPT' });
  });
});
