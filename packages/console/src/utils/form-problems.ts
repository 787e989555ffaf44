import { i18n } from '../i18n/index.ts';
import type { FormProblem } from '../api/types.ts';

/** Returns a form problem in the user's language: the translation of its code, or the server's text. */
export function describeProblem(problem: FormProblem): string {
  const { t, te } = i18n.global;
  const key = `errors.${problem.code}`;
  if (!te(key)) return problem.message;
  const value = Array.isArray(problem.value) ? problem.value.join('、') : String(problem.value ?? '');
  return t(key, { value });
}
