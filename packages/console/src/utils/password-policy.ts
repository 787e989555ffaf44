/**
 * The platform's password rules (packages/platform/src/security/passwords.ts), checked as the
 * user types; the server checks them again. Returns the i18n key of the first problem, or null.
 */
export function passwordProblemKey(password: string, username: string): string | null {
  if ([...password].length < 10) return 'password.tooShort';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'password.classes';
  if (password.toLowerCase() === username.toLowerCase()) return 'password.sameAsUsername';
  return null;
}
