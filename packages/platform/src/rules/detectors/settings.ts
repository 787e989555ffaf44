import { z } from 'zod';
import { invalid } from '../../errors.ts';
import { placeCategories } from '../places.ts';
import type { RuleCode } from '../rule-codes.ts';

export const severitySchema = z.enum(['low', 'medium', 'high']);
export const placeCategorySchema = z.enum(placeCategories);

const clockPattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A local clock time written HH:MM (24-hour), as administrators type it. */
export const clockSchema = z.string().regex(clockPattern, 'expected a local time HH:MM such as 09:30');

/** A local time window. An end at or before the start means the window runs past midnight. */
export const clockWindowSchema = z.strictObject({ from: clockSchema, to: clockSchema });
export type ClockWindow = z.infer<typeof clockWindowSchema>;

/** Returns the minutes after midnight of an HH:MM text that clockSchema accepted. */
export function clockMinutes(text: string): number {
  const match = clockPattern.exec(text);
  if (!match) throw invalid(`Invalid local time ${text}: expected HH:MM such as 09:30`, text);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Converts a clock window to minutes after midnight, as RuleContext gives working hours. */
export const windowMinutes = (window: ClockWindow) => ({ start: clockMinutes(window.from), end: clockMinutes(window.to) });

const converted = new WeakMap<readonly ClockWindow[], { start: number; end: number }[]>();

/** Converts a settings list of clock windows once and returns the cached minutes on later calls with the same list. */
export function windowsMinutes(windows: readonly ClockWindow[]): { start: number; end: number }[] {
  let minutes = converted.get(windows);
  if (!minutes) {
    minutes = windows.map(windowMinutes);
    converted.set(windows, minutes);
  }
  return minutes;
}

/**
 * Validates a partial settings override against a detector's schema (whose fields carry their
 * defaults) and returns the full settings. Unknown keys are rejected, because a misspelt
 * setting would otherwise fall back to its default without anyone noticing.
 */
export function parseDetectorSettings<T>(code: RuleCode, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;

  const issues = result.error.issues.map((issue) => ({ setting: issue.path.join('.'), message: issue.message }));
  const first = result.error.issues[0]!;
  const path = first.path.join('.');
  const label = first.code === 'unrecognized_keys' ? [path, first.keys.join(', ')].filter(Boolean).join('.') : path || '(settings object)';
  const value = first.code === 'unrecognized_keys' ? first.keys : valueAt(input, first.path);
  throw invalid(`Invalid setting ${label} of rule ${code}: ${first.message}; see the rule's documented settings`, value, issues);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
