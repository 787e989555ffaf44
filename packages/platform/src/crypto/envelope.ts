import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/**
 * Sealed blobs: authenticated encryption of one stored value under a data key.
 *
 *   byte 0      format version (1)
 *   byte 1      algorithm: 1 = SM4-CTR with HMAC-SM3 (encrypt-then-MAC), 2 = AES-256-GCM
 *   bytes 2-5   data key id, big-endian
 *   IV          16 bytes (SM4-CTR) or 12 bytes (GCM)
 *   ciphertext  as long as the plaintext
 *   tag         16 bytes: HMAC-SM3 truncated to 128 bits over header, IV, associated data and
 *               ciphertext, or the GCM tag
 *
 * The associated data binds a blob to its row (table, terminal, report identity), so a blob
 * copied into another row fails to open.
 */
export const algorithms = { 'sm4-ctr-hmac-sm3': 1, 'aes-256-gcm': 2 } as const;
export type Algorithm = keyof typeof algorithms;

export interface DataKey {
  id: number;
  algorithm: Algorithm;
  /** 16 bytes for SM4, 32 for AES-256. */
  encKey: Buffer;
  /** HMAC-SM3 key (SM4 only). */
  macKey: Buffer;
}

const version = 1;
const headerBytes = 6;
const tagBytes = 16;

function header(key: DataKey): Buffer {
  const out = Buffer.allocUnsafe(headerBytes);
  out[0] = version;
  out[1] = algorithms[key.algorithm];
  out.writeUInt32BE(key.id, 2);
  return out;
}

function sm4Tag(macKey: Buffer, head: Buffer, iv: Buffer, aad: string, ciphertext: Buffer): Buffer {
  const aadBytes = Buffer.from(aad);
  const length = Buffer.allocUnsafe(2);
  length.writeUInt16BE(aadBytes.length);
  return createHmac('sm3', macKey).update(head).update(iv).update(length).update(aadBytes).update(ciphertext).digest().subarray(0, tagBytes);
}

function sealGcm(key: DataKey, plaintext: Buffer, aad: string): Buffer {
  const head = header(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.encKey, iv);
  cipher.setAAD(Buffer.concat([head, Buffer.from(aad)]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, ciphertext, cipher.getAuthTag()]);
}

/** Returns `iv` + `blocks` as a 128-bit big-endian counter, the way CTR mode advances it. */
export function addToCounter(iv: Buffer, blocks: number): Buffer {
  const out = Buffer.from(iv);
  const low = out.readBigUInt64BE(8) + BigInt(blocks);
  out.writeBigUInt64BE(low & 0xffffffffffffffffn, 8);
  if (low > 0xffffffffffffffffn) out.writeBigUInt64BE((out.readBigUInt64BE(0) + 1n) & 0xffffffffffffffffn, 0);
  return out;
}

/**
 * Seals many values under one data key with a single SM4-CTR key stream: each value starts on
 * a block boundary and records the counter it starts at as its IV, so no two values share key
 * stream and each opens on its own. This saves a cipher set-up per value on the ingest path.
 */
export class Sealer {
  readonly #key: DataKey;
  readonly #head: Buffer;
  #baseIv: Buffer | null = null;
  #cipher: ReturnType<typeof createCipheriv> | null = null;
  #blocks = 0;

  constructor(key: DataKey) {
    this.#key = key;
    this.#head = header(key);
  }

  get keyId(): number {
    return this.#key.id;
  }

  seal(plaintext: Buffer, aad: string): Buffer {
    if (this.#key.algorithm === 'aes-256-gcm') return sealGcm(this.#key, plaintext, aad);
    if (!this.#cipher || this.#blocks > 1 << 30) {
      this.#baseIv = randomBytes(16);
      this.#cipher = createCipheriv('sm4-ctr', this.#key.encKey, this.#baseIv);
      this.#blocks = 0;
    }
    const iv = addToCounter(this.#baseIv!, this.#blocks);
    const ciphertext = this.#cipher.update(plaintext);
    const blocks = Math.ceil(plaintext.length / 16);
    const padding = blocks * 16 - plaintext.length;
    if (padding > 0) this.#cipher.update(Buffer.alloc(padding));
    this.#blocks += blocks;
    return Buffer.concat([this.#head, iv, ciphertext, sm4Tag(this.#key.macKey, this.#head, iv, aad, ciphertext)]);
  }
}

/** Seals one value (a fresh key stream each time). */
export function seal(key: DataKey, plaintext: Buffer, aad: string): Buffer {
  return new Sealer(key).seal(plaintext, aad);
}

export const decryptFailed = (what: string) =>
  new AppError('GONGCHE_ERR_DECRYPT_FAILED', 500, `Stored ${what} failed authentication: it was altered, or it was sealed under another key`, { value: what });

/** Returns the data key id a blob was sealed under. */
export function blobKeyId(blob: Buffer): number {
  if (blob.length < headerBytes + tagBytes || blob[0] !== version) throw decryptFailed('value (unknown format)');
  return blob.readUInt32BE(2);
}

/** Verifies and decrypts a blob; throws GONGCHE_ERR_DECRYPT_FAILED instead of returning altered data. */
export function open(key: DataKey, blob: Buffer, aad: string, what: string): Buffer {
  if (blob[1] !== algorithms[key.algorithm] || blob.readUInt32BE(2) !== key.id) throw decryptFailed(what);
  const head = blob.subarray(0, headerBytes);
  if (key.algorithm === 'aes-256-gcm') {
    const iv = blob.subarray(headerBytes, headerBytes + 12);
    const decipher = createDecipheriv('aes-256-gcm', key.encKey, iv);
    decipher.setAAD(Buffer.concat([head, Buffer.from(aad)]));
    decipher.setAuthTag(blob.subarray(blob.length - tagBytes));
    try {
      return Buffer.concat([decipher.update(blob.subarray(headerBytes + 12, blob.length - tagBytes)), decipher.final()]);
    } catch {
      throw decryptFailed(what);
    }
  }
  const iv = blob.subarray(headerBytes, headerBytes + 16);
  const ciphertext = blob.subarray(headerBytes + 16, blob.length - tagBytes);
  const tag = sm4Tag(key.macKey, head, iv, aad, ciphertext);
  if (!timingSafeEqual(tag, blob.subarray(blob.length - tagBytes))) throw decryptFailed(what);
  return createDecipheriv('sm4-ctr', key.encKey, iv).update(ciphertext);
}
