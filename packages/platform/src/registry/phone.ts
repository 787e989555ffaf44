/** Returns the lookup key of a terminal phone number: the digits without leading zeros, so 2013 and 2019 headers match. */
export function phoneKey(phone: string): string {
  const key = phone.replace(/^0+/, '');
  return key === '' ? '0' : key;
}

/** Returns why a registry phone number is unusable as a JT/T 808 terminal phone, or null. */
export function phoneProblem(phone: string): string | null {
  if (!/^[0-9]+$/.test(phone)) return 'must contain digits only';
  if (phone.length > 20) return `must have at most 20 digits, got ${phone.length}`;
  if (phone.length < 11) return `must have at least 11 digits, got ${phone.length}`;
  return null;
}
