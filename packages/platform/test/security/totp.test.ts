import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, generateTotpSecret, matchTotp, otpauthUri, totp, totpStep, type TotpAlgorithm } from '../../src/security/totp.ts';

// RFC 6238 appendix B: 8-digit codes, 30 s step, one ASCII key per algorithm.
const keys: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const vectors: [number, Record<TotpAlgorithm, string>][] = [
  [59, { sha1: '94287082', sha256: '46119246', sha512: '90693936' }],
  [1111111109, { sha1: '07081804', sha256: '68084774', sha512: '25091201' }],
  [1111111111, { sha1: '14050471', sha256: '67062674', sha512: '99943326' }],
  [1234567890, { sha1: '89005924', sha256: '91819424', sha512: '93441116' }],
  [2000000000, { sha1: '69279037', sha256: '90698825', sha512: '38618901' }],
  [20000000000, { sha1: '65353130', sha256: '77737706', sha512: '47863826' }],
];

for (const [seconds, expected] of vectors) {
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    test(`RFC 6238 vector ${algorithm} at ${seconds} s`, () => {
      assert.equal(totp(keys[algorithm], seconds * 1000, { digits: 8, algorithm }), expected[algorithm]);
    });
  }
}

test('6-digit code is the last 6 digits of the 8-digit one', () => {
  assert.equal(totp(keys.sha1, 59_000), '287082');
});

test('base32 round trip and RFC 4648 vector', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.deepEqual(base32Decode('mzxw6ytboi======'), Buffer.from('foobar'));
  const secret = generateTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(base32Encode(base32Decode(secret)), secret);
  assert.throws(() => base32Decode('ABC1'), /Invalid base32 character "1"/);
});

test('matchTotp accepts one step of drift and no more', () => {
  const secret = base32Encode(keys.sha1);
  const now = 1_700_000_000_000;
  const code = (offsetSteps: number) => totp(keys.sha1, now + offsetSteps * 30_000);
  assert.equal(matchTotp(secret, code(0), now, null), totpStep(now));
  assert.equal(matchTotp(secret, code(-1), now, null), totpStep(now) - 1);
  assert.equal(matchTotp(secret, code(1), now, null), totpStep(now) + 1);
  assert.equal(matchTotp(secret, code(-2), now, null), null);
  assert.equal(matchTotp(secret, code(2), now, null), null);
});

test('matchTotp refuses a step already used', () => {
  const secret = base32Encode(keys.sha1);
  const now = 1_700_000_000_000;
  const code = totp(keys.sha1, now);
  assert.equal(matchTotp(secret, code, now, totpStep(now)), null);
  assert.equal(matchTotp(secret, code, now, totpStep(now) - 1), totpStep(now));
});

test('matchTotp refuses malformed codes', () => {
  const secret = base32Encode(keys.sha1);
  for (const bad of ['', '12345', '1234567', 'abcdef', ' 12345']) assert.equal(matchTotp(secret, bad, Date.now(), null), null, bad);
});

test('otpauth URI names issuer, account and parameters', () => {
  const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'zhang.wei'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/gongche:zhang.wei');
  assert.equal(uri.searchParams.get('secret'), 'JBSWY3DPEHPK3PXP');
  assert.equal(uri.searchParams.get('issuer'), 'gongche');
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
});
