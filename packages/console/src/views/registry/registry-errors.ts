import { ApiError } from '../../api/http.ts';
import type { ImportRowError } from '../../components/ImportDialog.vue';
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

// The format rule of a column whose value is malformed, as the registry dialogs word it.
const formatRules: Record<string, string> = {
  车牌号: 'registry.rules.plate',
  终端手机号: 'registry.rules.phone',
  IMEI: 'registry.rules.imei',
  ICCID: 'registry.rules.iccid',
};

/** Returns the reason of a bad row of a registration-form import in the user's language, or undefined for a code it does not know. */
export function describeImportRow(error: ImportRowError): string | undefined {
  const { t } = i18n.global;
  switch (error.code) {
    case 'missing':
      return t('registry.importErrors.missing');
    case 'too_long':
      return t('registry.importErrors.tooLong', { max: error.max ?? '' });
    case 'not_allowed':
      return t('registry.importErrors.notAllowed', { allowed: (error.allowed ?? []).join('、') });
    case 'invalid_format': {
      const rule = formatRules[error.column ?? ''];
      return rule ? t(rule) : t('registry.importErrors.invalidFormat');
    }
    case 'repeated_in_file':
      return t('registry.importErrors.repeated', { row: error.otherRow ?? '' });
    case 'plate_taken':
      return t('registry.importErrors.plateTaken');
    case 'phone_taken':
      return t('registry.importErrors.phoneTaken');
    case 'category_differs':
      return t('registry.importErrors.categoryDiffers', { row: error.otherRow ?? '' });
    case 'beyond_header':
      return t('registry.importErrors.beyondHeader');
    default:
      return undefined;
  }
}
