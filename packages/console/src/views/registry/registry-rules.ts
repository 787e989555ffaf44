import type { FormItemRule } from 'element-plus';
import { i18n } from '../../i18n/index.ts';

/**
 * Validation rules of the registry forms. They repeat the API's zod rules in
 * packages/platform/src/registry/schemas.ts, plate.ts and phone.ts, so that the form marks an
 * invalid field before sending. The API validates again and remains the authority.
 */

export const vehicleTypes = ['轿车', '越野车', '商务车', '其他小型客车', '中型客车', '大型客车'] as const;
export const usageNatures = ['领导保障用车', '一般公务用车', '执法执勤用车'] as const;
export const vehicleStatuses = ['in_use', 'sealed', 'disposed'] as const;
export const unitCategories = ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security', 'other'] as const;
export const leaderRanks = ['科员', '副科级', '正科级', '副处级', '正处级', '副厅级', '正厅级', '副部级', '正部级', '副国级', '正国级'] as const;

const provinces = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const letter = 'A-HJ-NP-Z';
const ordinary = new RegExp(`^[${provinces}][${letter}][${letter}0-9]{4}[${letter}0-9挂学警港澳领使]$`);
const newEnergySmall = new RegExp(`^[${provinces}][${letter}][DF][${letter}0-9][0-9]{4}$`);
const newEnergyLarge = new RegExp(`^[${provinces}][${letter}][0-9]{5}[DF]$`);

/** Normalises a plate as the API does: full-width letters and digits to ASCII, upper case, no spaces, dots or hyphens. */
export function normalisePlate(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s·.\-]/g, '')
    .toUpperCase();
}

/** Returns whether a normalised plate is a valid ordinary (7 characters) or new-energy (8) plate. */
export function isValidPlate(plate: string): boolean {
  const length = [...plate].length;
  if (length === 7) return ordinary.test(plate);
  if (length === 8) return newEnergySmall.test(plate) || newEnergyLarge.test(plate);
  return false;
}

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values);
const fail = (callback: (error?: Error) => void, message: string) => callback(new Error(message));

export const plateRule: FormItemRule = {
  trigger: 'blur',
  validator: (_rule, value: string, callback) => (isValidPlate(normalisePlate(value ?? '')) ? callback() : fail(callback, t('registry.rules.plate'))),
};

/** Terminal phone of JT/T 808: 11 to 20 digits, leading zeros kept. */
export const terminalPhoneRule: FormItemRule = {
  trigger: 'blur',
  validator: (_rule, value: string, callback) => (/^[0-9]{11,20}$/.test((value ?? '').trim()) ? callback() : fail(callback, t('registry.rules.phone'))),
};

/**
 * Builds a rule that rejects a text longer than `max` characters after trimming.
 * With `required`, the rule also rejects an empty text.
 */
export function textRule(max: number, required = false): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_rule, value: string | null, callback) => {
      const text = (value ?? '').trim();
      if (text === '') return required ? fail(callback, t('registry.rules.required')) : callback();
      return text.length <= max ? callback() : fail(callback, t('registry.rules.maxLength', { max }));
    },
  };
}

/** Builds a rule that accepts an empty text or one matching `pattern`. `message` is the i18n key of the error. */
export function patternRule(pattern: RegExp, message: string): FormItemRule {
  return {
    trigger: 'blur',
    validator: (_rule, value: string | null, callback) => {
      const text = (value ?? '').trim();
      return text === '' || pattern.test(text) ? callback() : fail(callback, t(message));
    },
  };
}

export const imeiPattern = /^[0-9]{15}$/;
export const iccidPattern = /^[0-9A-Fa-f]{19,20}$/;
export const contactPhonePattern = /^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$/;

/** Returns the trimmed text, or null for an empty one: the API stores an absent value as null. */
export const textOrNull = (value: string | null | undefined): string | null => {
  const text = (value ?? '').trim();
  return text === '' ? null : text;
};
