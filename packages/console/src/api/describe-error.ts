import { ElMessage } from 'element-plus';
import { i18n } from '../i18n/index.ts';
import { ApiError } from './http.ts';

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join('、');
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One invalid field of a GONGCHE_ERR_VALIDATION response: the server's path (e.g. body.staffPhone) and English message. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Returns the user's label of a server field path, or undefined when the page has none for it. */
export type FieldLabeler = (path: string) => string | undefined;

/** Returns the field problems of a validation error, or an empty list for any other error. */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError) || error.code !== 'GONGCHE_ERR_VALIDATION' || !Array.isArray(error.details)) return [];
  return (error.details as Partial<FieldProblem>[])
    .filter((d) => typeof d.path === 'string')
    .map((d) => ({ path: d.path!, message: d.message ?? '' }));
}

/**
 * Names the invalid fields in the user's language. A field that the page has no label for keeps
 * the server's path and message.
 */
function describeFields(problems: FieldProblem[], labelOf: FieldLabeler): string {
  const { t } = i18n.global;
  return problems.map((p) => {
    const label = labelOf(p.path);
    return label === undefined ? `${p.path}: ${p.message}` : t('errors.invalidField', { field: label });
  }).join(t('errors.separator'));
}

// Named parameters of an error's value, e.g. retryAfterMinutes of GONGCHE_ERR_ACCOUNT_LOCKED.
function valueParams(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return value as Record<string, unknown>;
}

/**
 * Returns the reason of a failed request in the user's language: the translation of the stable
 * error code when the console knows it, otherwise the code with the server's own message.
 * Validation errors name the invalid fields by the page's labels when `labelOf` returns one for
 * them. Conflicts add the server's message, which names the conflicting record.
 */
export function describeError(error: unknown, labelOf: FieldLabeler = () => undefined): string {
  const { t, te } = i18n.global;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const key = `errors.${error.code}`;
  if (!te(key)) return `${t('errors.fallback', { code: error.code })} ${t('errors.serverSays', { message: error.message })}`;
  const text = t(key, { ...valueParams(error.value), value: formatValue(error.value) });
  const fields = fieldProblems(error);
  if (fields.length > 0) return t('errors.withDetail', { text, detail: describeFields(fields, labelOf) });
  if (error.code === 'GONGCHE_ERR_VALIDATION' || error.code === 'GONGCHE_ERR_CONFLICT') return t('errors.withDetail', { text, detail: error.message });
  return text;
}

/** Shows the reason of a failed request as a message that stays until closed or for 8 s. */
export function showError(error: unknown, labelOf?: FieldLabeler): void {
  ElMessage.error({ message: describeError(error, labelOf), duration: 8000, showClose: true, grouping: true });
}

/** Closes every error message still shown, once the operation that failed has succeeded. */
export function closeErrors(): void {
  ElMessage.closeAll('error');
}
