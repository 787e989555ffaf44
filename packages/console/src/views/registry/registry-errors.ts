import { ApiError } from '../../api/http.ts';
import { describeError, type FieldLabeler } from '../../api/describe-error.ts';
import { i18n } from '../../i18n/index.ts';

/** Messages of the registry's uniqueness conflicts, worded for the bureau staff who edit the registry. */
const conflictMessages: Record<string, string> = {
  GONGCHE_ERR_PLATE_TAKEN: 'registry.errors.plateTaken',
  GONGCHE_ERR_PHONE_TAKEN: 'registry.errors.phoneTaken',
  GONGCHE_ERR_VEHICLE_HAS_TERMINAL: 'registry.errors.vehicleHasTerminal',
  GONGCHE_ERR_UNIT_NAME_TAKEN: 'registry.errors.unitTaken',
  GONGCHE_ERR_ORGANISATION_CODE_TAKEN: 'registry.errors.organisationCodeTaken',
};

/**
 * Returns the reason of a failed registry write in the user's language. Each uniqueness conflict
 * has its own error code, with the clashing plate, phone, unit name or organisation code as value.
 */
export function describeRegistryError(error: unknown, labelOf?: FieldLabeler): string {
  const key = error instanceof ApiError ? conflictMessages[error.code] : undefined;
  if (key === undefined) return describeError(error, labelOf);
  return i18n.global.t(key, { value: String((error as ApiError).value ?? '') });
}
