import { ElMessage } from 'element-plus';
import { i18n } from '../i18n/index.ts';
import { ApiError } from './http.ts';

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join('、');
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Returns the reason of a failed request in the user's language: the translation of the stable
 * error code when the console knows it, otherwise the code with the server's own message.
 * Validation errors also list the server's field messages, which name the offending field.
 */
export function describeError(error: unknown): string {
  const { t, te } = i18n.global;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const key = `errors.${error.code}`;
  if (!te(key)) return `${t('errors.fallback', { code: error.code })} ${t('errors.serverSays', { message: error.message })}`;
  const text = t(key, { value: formatValue(error.value) });
  if (error.code === 'GONGCHE_ERR_VALIDATION' || error.code === 'GONGCHE_ERR_CONFLICT') return `${text}：${error.message}`;
  return text;
}

/** Shows the reason of a failed request as a message that stays until closed or for 8 s. */
export function showError(error: unknown): void {
  ElMessage.error({ message: describeError(error), duration: 8000, showClose: true, grouping: true });
}
