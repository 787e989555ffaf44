/**
 * Check characters of Chinese organisation identifiers: the 18-character unified social credit
 * code (GB 32100-2015) and the 9-character organisation code (GB 11714-1997).
 */

// GB 32100 uses digits and upper-case letters without I, O, Z, S and V.
const creditAlphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const organisationWeights = [3, 7, 9, 10, 5, 8, 4, 2];

/** Returns the check character of the first 17 characters of a unified social credit code, or null if one is not allowed. */
export function creditCodeCheck(body: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = creditAlphabet.indexOf(body[i] ?? '');
    if (value < 0) return null;
    sum += value * creditWeights[i]!;
  }
  return creditAlphabet[(31 - (sum % 31)) % 31]!;
}

/** Returns the check character of the first 8 characters of an organisation code, or null if one is not a digit or letter. */
export function organisationCodeCheck(body: string): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body[i] ?? '';
    if (!/^[0-9A-Z]$/.test(ch)) return null;
    const value = ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += value * organisationWeights[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** Returns why a code is not a valid credit code or organisation code, or null when it is valid. */
export function organisationCodeProblem(code: string): string | null {
  if (code.length === 18) {
    const expected = creditCodeCheck(code);
    if (expected === null) return 'a unified social credit code uses digits and the letters A-Y without I, O, S, V and Z';
    if (code[17] !== expected) return `check character of the unified social credit code (GB 32100) should be ${expected}, got ${code[17]}`;
    return null;
  }
  if (code.length === 9) {
    const expected = organisationCodeCheck(code);
    if (expected === null) return 'an organisation code uses digits and upper-case letters';
    if (code[8] !== expected) return `check character of the organisation code (GB 11714) should be ${expected}, got ${code[8]}`;
    return null;
  }
  return `must be an 18-character unified social credit code or a 9-character organisation code, got ${code.length} characters`;
}
