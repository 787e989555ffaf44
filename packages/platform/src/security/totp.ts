import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226). The platform uses SHA-1,
 * 6 digits and a 30-second step, the parameters common authenticator apps support. The other
 * algorithms and lengths exist for the RFC's test vectors.
 */
export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export const totpStepS = 30;
export const totpDigits = 6;
/** Codes of the step before and after the current one are accepted too, for clock drift. */
export const totpWindowSteps = 1;

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as RFC 4648 base32 without padding, the form otpauth:// URIs carry. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += base32Alphabet[(value << (5 - bits)) & 31];
  return output;
}

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored); throws on other characters. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = base32Alphabet.indexOf(ch);
    if (index < 0) throw new Error(`Invalid base32 character "${ch}"`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** Computes the HOTP value (RFC 4226 section 5.3) of a key and counter, zero-padded to `digits`. */
export function hotp(key: Buffer, counter: number, digits = totpDigits, algorithm: TotpAlgorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

/** Returns the time step (RFC 6238 T) of a Unix time in milliseconds. */
export function totpStep(timeMs: number, stepS = totpStepS): number {
  return Math.floor(timeMs / 1000 / stepS);
}

/** Computes the TOTP code of a key at a time. */
export function totp(key: Buffer, timeMs: number, options: { digits?: number; algorithm?: TotpAlgorithm; stepS?: number } = {}): string {
  return hotp(key, totpStep(timeMs, options.stepS), options.digits, options.algorithm);
}

/**
 * Checks a 6-digit code against a base32 secret within ±1 step of `nowMs` and returns the
 * matching step, or null. A step at or before `lastStep` never matches, so a code that was
 * accepted once cannot be used again.
 */
export function matchTotp(secret: string, code: string, nowMs: number, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(secret);
  const current = totpStep(nowMs);
  for (let step = current - totpWindowSteps; step <= current + totpWindowSteps; step++) {
    if (lastStep !== null && step <= lastStep) continue;
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code))) return step;
  }
  return null;
}

/** Generates a new secret: 20 random bytes (160 bits, the HMAC-SHA-1 block RFC 4226 recommends), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** Builds the otpauth:// URI that authenticator apps read from a QR code. */
export function otpauthUri(secret: string, username: string, issuer = 'gongche'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(username)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(totpDigits), period: String(totpStepS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
