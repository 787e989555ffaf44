import { ApiError } from '../../api/http.ts';
import { describeError, type FieldLabeler } from '../../api/describe-error.ts';
import { i18n } from '../../i18n/index.ts';

/** The registry record a form writes, which decides what a 409 conflict means. */
export type RegistryRecord = 'vehicle' | 'terminal' | 'unit';

/**
 * Returns the reason of a failed registry write in the user's language. The API responds to every
 * uniqueness conflict with the generic GONGCHE_ERR_CONFLICT and an English message, so this
 * function names the conflict from the record and the conflicting value. The value is a plate, a
 * terminal phone, a vehicle id (the vehicle already has a terminal) or a unit name.
 * NOTE: this reads the conflict from the value's type. A distinct code per conflict from the
 * registry routes would remove that guess, as the rollout routes already do.
 */
export function describeRegistryError(error: unknown, record: RegistryRecord, labelOf?: FieldLabeler): string {
  const { t } = i18n.global;
  if (!(error instanceof ApiError) || error.code !== 'GONGCHE_ERR_CONFLICT' || error.value === null || error.value === undefined) return describeError(error, labelOf);
  const value = String(error.value);
  if (record === 'vehicle') return t('registry.errors.plateTaken', { value });
  if (record === 'unit') return t('registry.errors.unitTaken', { value });
  return typeof error.value === 'number' ? t('registry.errors.vehicleHasTerminal') : t('registry.errors.phoneTaken', { value });
}
