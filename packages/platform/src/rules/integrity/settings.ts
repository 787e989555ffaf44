import { z } from 'zod';
import { invalid } from '../../errors.ts';
import type { RuleCode } from '../rule-codes.ts';

/** Builds the schema of one setting: a number in [min, max] with its default. */
export function numberSetting(defaultValue: number, min: number, max: number, integer = false) {
  const base = integer ? z.number().int() : z.number();
  return base.min(min).max(max).default(defaultValue);
}

/**
 * Validates a partial settings override against a check's schema and returns the full settings.
 * An unknown key is rejected too, because a misspelt setting would otherwise fall back to its
 * default without anyone noticing.
 */
export function parseSettingsWith<T>(code: RuleCode, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;

  const issues = result.error.issues.map((issue) => ({ setting: issue.path.join('.'), message: issue.message }));
  const first = result.error.issues[0]!;
  const setting = first.path.join('.');
  const value = setting === '' ? input : valueAt(input, first.path);
  const shown = first.code === 'unrecognized_keys' ? first.keys.join(', ') : setting || '(settings object)';
  throw invalid(`Invalid setting ${shown} of rule ${code}: ${first.message}; see the rule's documented settings`, value, issues);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
