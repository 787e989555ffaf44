import { createHash, type KeyObject } from 'node:crypto';

/*
 * An SM2 signature verifier written from GB/T 32918.2 with BigInt arithmetic, independent of
 * OpenSSL, so the tests can tell which scheme crypto.sign() really used. Not constant time,
 * and for tests only.
 */
const hexInt = (text: string) => BigInt(`0x${text}`);
const p = hexInt('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF');
const a = hexInt('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC');
const b = hexInt('28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93');
const n = hexInt('FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123');
const g: [bigint, bigint] = [hexInt('32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7'), hexInt('BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0')];

type Point = [bigint, bigint] | null;

const mod = (x: bigint, m: bigint) => ((x % m) + m) % m;

function inverse(x: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(x, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(P: Point, Q: Point): Point {
  if (!P) return Q;
  if (!Q) return P;
  if (P[0] === Q[0] && mod(P[1] + Q[1], p) === 0n) return null;
  const slope = P[0] === Q[0] ? mod((3n * P[0] * P[0] + a) * inverse(2n * P[1], p), p) : mod((Q[1] - P[1]) * inverse(Q[0] - P[0], p), p);
  const x = mod(slope * slope - P[0] - Q[0], p);
  return [x, mod(slope * (P[0] - x) - P[1], p)];
}

function multiply(k: bigint, P: Point): Point {
  let result: Point = null;
  for (let addend = P; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const bytes32 = (x: bigint) => Buffer.from(x.toString(16).padStart(64, '0'), 'hex');
const sm3 = (...parts: Buffer[]) => parts.reduce((h, part) => h.update(part), createHash('sm3')).digest();
const toInt = (buffer: Buffer) => BigInt(`0x${buffer.toString('hex')}`);

function pointOf(publicKey: KeyObject): [bigint, bigint] {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const point = der.subarray(der.length - 64);
  return [toInt(point.subarray(0, 32)), toInt(point.subarray(32))];
}

function parseDerSignature(der: Buffer): [bigint, bigint] {
  let offset = der[1]! & 0x80 ? 2 + (der[1]! & 0x7f) : 2;
  const readInteger = () => {
    const length = der[offset + 1]!;
    const value = toInt(der.subarray(offset + 2, offset + 2 + length));
    offset += 2 + length;
    return value;
  };
  return [readInteger(), readInteger()];
}

/** Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA), GB/T 32918.2 section 5.5. */
export function identityDigest(publicKey: KeyObject, id: string): Buffer {
  const idBytes = Buffer.from(id);
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(idBytes.length * 8);
  const [x, y] = pointOf(publicKey);
  return sm3(entl, idBytes, bytes32(a), bytes32(b), bytes32(g[0]), bytes32(g[1]), bytes32(x), bytes32(y));
}

/** Verifies an SM2 signature over `message` with e = SM3(Z_A || message) for the distinguishing ID `id`. */
export function verifySm2Reference(publicKey: KeyObject, message: Buffer, signature: Buffer, id: string): boolean {
  const [r, s] = parseDerSignature(signature);
  const t = mod(r + s, n);
  if (t === 0n) return false;
  const point = add(multiply(s, g), multiply(t, pointOf(publicKey)));
  return point !== null && mod(toInt(sm3(identityDigest(publicKey, id), message)) + point[0], n) === r;
}

/** Verifies an ECDSA signature over the SM2 curve with e = SM3(message): the scheme an EC key object uses. */
export function verifyEcdsaReference(publicKey: KeyObject, message: Buffer, signature: Buffer): boolean {
  const [r, s] = parseDerSignature(signature);
  const w = inverse(s, n);
  const point = add(multiply(mod(toInt(sm3(message)) * w, n), g), multiply(mod(r * w, n), pointOf(publicKey)));
  return point !== null && mod(point[0], n) === r;
}
