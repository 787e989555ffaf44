import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt cost parameters: N = 2^15, r = 8, p = 1 uses 32 MiB per hash, so maxmem is raised above Node's 32 MiB default.
const cost = { N: 32768, r: 8, p: 1 };
const keyLength = 32;
const maxmem = 64 * 1024 * 1024;

function deriveKey(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with scrypt and a random 16-byte salt into `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== keyLength) return false;
  const key = await deriveKey(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}

export const minPasswordLength = 10;
/** Character classes (lower case, upper case, digits, symbols) a password must mix. */
export const minPasswordClasses = 3;

/** Returns why a password breaks the policy (length, character classes, equal to the user name), or null. */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < minPasswordLength) return `must have at least ${minPasswordLength} characters`;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < minPasswordClasses) return `must contain at least ${minPasswordClasses} of: lower-case letters, upper-case letters, digits, symbols`;
  if (password.toLowerCase() === username.toLowerCase()) return 'must not be the user name';
  return null;
}

/** Generates a random 16-character password that meets the policy for any user name. */
export function generatePassword(): string {
  for (;;) {
    const candidate = randomBytes(12).toString('base64url');
    if (passwordProblem(candidate, '') === null) return candidate;
  }
}
