import fs from 'node:fs';
import path from 'node:path';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { exchangeError } from './errors.ts';

/*
 * SM2 keys of the exchange, as PEM files (PKCS#8 for private keys, SubjectPublicKeyInfo for
 * public keys), the formats OpenSSL and other SM2 tools read.
 *
 * Node 20 (OpenSSL 3.0) has two kinds of key object on the SM2 curve. A key straight from
 * generateKeyPairSync('ec', { namedCurve: 'SM2' }) is an EC key: crypto.sign() with it makes an
 * ECDSA signature, not an SM2 one. A key decoded from PEM or DER is an SM2 key: crypto.sign()
 * makes a GB/T 32918.2 signature with an empty distinguishing ID in Z_A. So this module only
 * ever signs and verifies with keys read back from their encoding.
 */

/** DER prefix of an SM2 SubjectPublicKeyInfo: id-ecPublicKey with the curve sm2p256v1 (1.2.156.10197.1.301). */
const spkiPrefix = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');
/** DER prefix of an SM2 PKCS#8 private key up to the 32-byte private scalar. */
const pkcs8Prefix = Buffer.from('308187020100301306072a8648ce3d020106082a811ccf5501822d046d306b0201010420', 'hex');

/** Names of the files `gongche exchange keygen` writes into its folder. */
export const keyFiles = {
  signingKey: 'signing.key',
  signingPublic: 'signing.pub.pem',
  encryptionKey: 'encryption.key',
  encryptionPublic: 'encryption.pub.pem',
} as const;

/** Computes a key's fingerprint, the hex SM3 digest of its SubjectPublicKeyInfo DER, which names it in manifests and messages. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sm3').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

function readKeyFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw exchangeError('KEY', `The key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`, file);
  }
}

function requireSm2(publicKey: KeyObject, file: string): void {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  if (der.length !== spkiPrefix.length + 65 || !der.subarray(0, spkiPrefix.length).equals(spkiPrefix)) {
    throw exchangeError('KEY', `${file} does not hold a key on the SM2 curve (sm2p256v1); create one with "gongche exchange keygen"`, file);
  }
}

/** Reads a PEM public key file (or the public half of a private key file) and checks that it is an SM2 key. */
export function readPublicKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(readKeyFile(file));
  } catch (error) {
    if ((error as { code?: string }).code === 'GONGCHE_ERR_EXCHANGE_KEY') throw error;
    throw exchangeError('KEY', `${file} does not hold a PEM public key: ${(error as Error).message}`, file);
  }
  requireSm2(key, file);
  return key;
}

/** Reads a PEM PKCS#8 private key file and checks that it is an SM2 key. */
export function readPrivateKey(file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(readKeyFile(file));
  } catch (error) {
    if ((error as { code?: string }).code === 'GONGCHE_ERR_EXCHANGE_KEY') throw error;
    throw exchangeError('KEY', `${file} does not hold a PEM private key: ${(error as Error).message}`, file);
  }
  requireSm2(createPublicKey(key), file);
  return key;
}

/** Returns the uncompressed point (0x04 || x || y) of an SM2 public key. */
export function publicPoint(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' }).subarray(spkiPrefix.length);
}

/** Returns the 32-byte private scalar of an SM2 private key, for ECDH through crypto.createECDH('SM2'). */
export function privateScalar(privateKey: KeyObject, file: string): Buffer {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  if (!der.subarray(0, pkcs8Prefix.length).equals(pkcs8Prefix)) {
    throw exchangeError('KEY', `${file} is not a PKCS#8 SM2 private key as "gongche exchange keygen" writes it`, file);
  }
  return der.subarray(pkcs8Prefix.length, pkcs8Prefix.length + 32);
}

/** Signs `data` with SM2 and SM3 (GB/T 32918.2, empty distinguishing ID); returns the DER signature. */
export function signSm2(privateKey: KeyObject, data: Buffer): Buffer {
  return sign('sm3', data, privateKey);
}

/** Verifies a DER SM2 signature made by signSm2. */
export function verifySm2(publicKey: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify('sm3', data, publicKey, signature);
  } catch {
    // A signature that is not valid DER makes OpenSSL raise instead of returning false.
    return false;
  }
}

function writeKeyPair(dir: string, privateName: string, publicName: string): string {
  const pair = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' });
  fs.writeFileSync(path.join(dir, privateName), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(path.join(dir, publicName), publicPem, { mode: 0o644, flag: 'wx' });
  return keyFingerprint(createPublicKey(publicPem));
}

/**
 * Writes a signing key pair and an encryption key pair into `dir` (private keys with mode 0600);
 * refuses to overwrite existing files. Returns the fingerprints of both public keys.
 */
export function generateExchangeKeys(dir: string): { signing: string; encryption: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of Object.values(keyFiles)) {
    if (fs.existsSync(path.join(dir, name))) throw exchangeError('KEY', `${path.join(dir, name)} already exists; keygen never overwrites a key`, path.join(dir, name));
  }
  return {
    signing: writeKeyPair(dir, keyFiles.signingKey, keyFiles.signingPublic),
    encryption: writeKeyPair(dir, keyFiles.encryptionKey, keyFiles.encryptionPublic),
  };
}
