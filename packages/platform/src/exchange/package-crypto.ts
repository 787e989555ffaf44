import { createCipheriv, createDecipheriv, createECDH, createHmac, hkdfSync, randomBytes, timingSafeEqual, type Hmac } from 'node:crypto';
import { exchangeError } from './errors.ts';

/*
 * Encryption of a package for its receiver.
 *
 * Package key: 48 random bytes, an SM4 key (16) followed by an HMAC-SM3 key (32).
 * Key wrap: an ephemeral key pair on the SM2 curve, ECDH with the receiver's encryption key
 *   (the shared secret is the x coordinate), then HKDF-SM3 (RFC 5869 with SM3) with
 *   salt = ephemeral point || receiver point and info = "gongche-exchange/1/wrap/" + package id,
 *   giving 48 bytes: an SM4 key and an HMAC-SM3 key. The wrapped key is
 *   IV (16) || SM4-CTR(package key) || HMAC-SM3(IV || ciphertext) (32).
 * Each data file is IV (16) || SM4-CTR(content) || HMAC-SM3(name || 0x00 || IV || ciphertext) (32).
 * This is ECDH on the SM2 curve, not the SM2 public-key encryption of GB/T 32918.4, which
 * Node 20 does not offer (crypto.publicEncrypt rejects SM2 keys).
 */

export const ivBytes = 16;
export const tagBytes = 32;
const packageKeyBytes = 48;

/** The SM4 and HMAC-SM3 keys that protect a package's data files. */
export interface PackageKey {
  encKey: Buffer;
  macKey: Buffer;
}

const splitKey = (material: Buffer): PackageKey => ({ encKey: material.subarray(0, 16), macKey: material.subarray(16, 48) });

function wrappingKey(shared: Buffer, ephemeralPoint: Buffer, receiverPoint: Buffer, packageId: string): PackageKey {
  const salt = Buffer.concat([ephemeralPoint, receiverPoint]);
  return splitKey(Buffer.from(hkdfSync('sm3', shared, salt, `gongche-exchange/1/wrap/${packageId}`, packageKeyBytes)));
}

/** Creates a package key and wraps it for the receiver's public point; returns both. */
export function createWrappedKey(receiverPoint: Buffer, packageId: string): { key: PackageKey; ephemeralPoint: Buffer; wrapped: Buffer } {
  const material = randomBytes(packageKeyBytes);
  const ephemeral = createECDH('SM2');
  const ephemeralPoint = ephemeral.generateKeys();
  const kek = wrappingKey(ephemeral.computeSecret(receiverPoint), ephemeralPoint, receiverPoint, packageId);
  const iv = randomBytes(ivBytes);
  const ciphertext = createCipheriv('sm4-ctr', kek.encKey, iv).update(material);
  const tag = createHmac('sm3', kek.macKey).update(iv).update(ciphertext).digest();
  return { key: splitKey(material), ephemeralPoint, wrapped: Buffer.concat([iv, ciphertext, tag]) };
}

/** Unwraps a package key with the receiver's private scalar; throws GONGCHE_ERR_EXCHANGE_DECRYPT when it does not open. */
export function unwrapKey(receiverScalar: Buffer, receiverPoint: Buffer, ephemeralPoint: Buffer, wrapped: Buffer, packageId: string): PackageKey {
  const fail = () => exchangeError('DECRYPT', `The package key of package ${packageId} does not open with this receiver key: the package was encrypted for another key, or its key was altered`, packageId);
  if (wrapped.length !== ivBytes + packageKeyBytes + tagBytes) throw fail();
  let kek: PackageKey;
  try {
    const ecdh = createECDH('SM2');
    ecdh.setPrivateKey(receiverScalar);
    kek = wrappingKey(ecdh.computeSecret(ephemeralPoint), ephemeralPoint, receiverPoint, packageId);
  } catch {
    throw fail();
  }
  const iv = wrapped.subarray(0, ivBytes);
  const ciphertext = wrapped.subarray(ivBytes, ivBytes + packageKeyBytes);
  const tag = createHmac('sm3', kek.macKey).update(iv).update(ciphertext).digest();
  if (!timingSafeEqual(tag, wrapped.subarray(ivBytes + packageKeyBytes))) throw fail();
  return splitKey(createDecipheriv('sm4-ctr', kek.encKey, iv).update(ciphertext));
}

const fileMac = (key: PackageKey, name: string, iv: Buffer) => createHmac('sm3', key.macKey).update(`${name}\0`).update(iv);

/** Encrypts one data file as a stream: header() first, then update() per chunk, then final() for the tag. */
export class FileEncryptor {
  readonly #iv = randomBytes(ivBytes);
  readonly #cipher: ReturnType<typeof createCipheriv>;
  readonly #mac: Hmac;

  constructor(key: PackageKey, name: string) {
    this.#cipher = createCipheriv('sm4-ctr', key.encKey, this.#iv);
    this.#mac = fileMac(key, name, this.#iv);
  }

  header(): Buffer {
    return this.#iv;
  }

  update(plaintext: Buffer): Buffer {
    const ciphertext = this.#cipher.update(plaintext);
    this.#mac.update(ciphertext);
    return ciphertext;
  }

  final(): Buffer {
    return this.#mac.digest();
  }
}

/**
 * Decrypts one data file chunk by chunk. The last 32 bytes are the tag, so each chunk's last
 * 32 bytes are held back until the next one arrives; final() checks the tag.
 */
export class FileDecryptor {
  readonly #key: PackageKey;
  readonly #name: string;
  #pending = Buffer.alloc(0);
  #decipher: ReturnType<typeof createDecipheriv> | null = null;
  #mac: Hmac | null = null;

  constructor(key: PackageKey, name: string) {
    this.#key = key;
    this.#name = name;
  }

  update(chunk: Buffer): Buffer {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    if (!this.#decipher) {
      if (this.#pending.length < ivBytes) return Buffer.alloc(0);
      const iv = this.#pending.subarray(0, ivBytes);
      this.#decipher = createDecipheriv('sm4-ctr', this.#key.encKey, iv);
      this.#mac = fileMac(this.#key, this.#name, iv);
      this.#pending = this.#pending.subarray(ivBytes);
    }
    const ready = this.#pending.length - tagBytes;
    if (ready <= 0) return Buffer.alloc(0);
    const ciphertext = this.#pending.subarray(0, ready);
    this.#pending = Buffer.from(this.#pending.subarray(ready));
    this.#mac!.update(ciphertext);
    return this.#decipher.update(ciphertext);
  }

  /** Throws GONGCHE_ERR_EXCHANGE_DECRYPT unless the tag matches the whole file. */
  final(): void {
    const fail = exchangeError('DECRYPT', `${this.#name} failed authentication under the package key: it was altered, cut short or encrypted under another key`, this.#name);
    if (!this.#mac || this.#pending.length !== tagBytes) throw fail;
    if (!timingSafeEqual(this.#mac.digest(), this.#pending)) throw fail;
  }
}
