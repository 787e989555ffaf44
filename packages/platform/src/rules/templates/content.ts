import { z } from 'zod';
import { invalid } from '../../errors.ts';
import { ruleCodes, type RuleCode } from '../rule-codes.ts';
import type { Detector } from '../engine/types.ts';
import { timeWindow } from './time-window.ts';
import { checkCategoryKeys, mergeDetectorSettings } from './tables.ts';

const detectorEntry = z.strictObject({
  /** Whether the detector applies; unset inherits, and a detector no layer mentions applies. */
  enabled: z.boolean().optional(),
  /**
   * Partial override of the detector's settings, merged key by key over the layers below.
   * Category tables merge per category (src/rules/templates/tables.ts).
   */
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** Content of a template or a vehicle's overrides; every field is optional and inherits when unset. */
export const templateContent = z.strictObject({
  workingHours: z.array(timeWindow).min(1).max(4).optional(),
  nightWindow: timeWindow.optional(),
  detectors: z.partialRecord(z.enum(ruleCodes as [RuleCode, ...RuleCode[]]), detectorEntry).optional(),
});
export type TemplateContent = z.infer<typeof templateContent>;

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/** Names an unknown key by its path, with the names allowed under detectors. */
function explained(issue: Issue): Issue {
  if (issue.code !== 'unrecognized_keys' || !issue.keys?.length) return issue;
  const underDetectors = issue.path.length === 1 && issue.path[0] === 'detectors';
  const message = underDetectors ? `unknown rule code; expected one of ${ruleCodes.join(', ')}` : 'unknown name; check its spelling';
  return { path: [...issue.path, issue.keys[0]!], message };
}

function fail(what: string, raw: Issue[], value: unknown): never {
  const issues = raw.map(explained);
  const first = issues[0]!;
  const path = first.path.map(String).join('.');
  throw invalid(`Invalid ${what} at ${path || '(root)'}: ${first.message}`, value, issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
}

/**
 * Validates template content: its shape with zod, then each detector's partial settings with that
 * detector's parseSettings, so that a bad value is rejected when saved, not when evaluated. A
 * category that no place has is rejected with GONGCHE_ERR_UNKNOWN_CATEGORY.
 * `what` names the template in the error, e.g. "template 一般公务用车".
 */
export function parseTemplateContent(input: unknown, detectors: readonly Detector<unknown, unknown>[], what: string): TemplateContent {
  const parsed = templateContent.safeParse(input);
  if (!parsed.success) fail(what, parsed.error.issues as Issue[], input);
  const content = parsed.data;
  for (const [code, entry] of Object.entries(content.detectors ?? {})) {
    if (!entry?.settings) continue;
    const detector = detectors.find((d) => d.code === code);
    if (!detector) {
      throw invalid(`Invalid ${what} at detectors.${code}.settings: no detector of the position stream is registered for ${code}, so it takes no settings here`, entry.settings);
    }
    checkCategoryKeys(detector, entry.settings, what, `detectors.${code}.settings`);
    try {
      // Category tables are checked as they resolve: this layer's entries over the detector's default table.
      detector.parseSettings(mergeDetectorSettings(detector, undefined, entry.settings));
    } catch (error) {
      const message = (error as Error).message;
      const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
      if (issues?.length) fail(what, issues.map((i) => ({ ...i, path: ['detectors', code, 'settings', ...i.path] })), entry.settings);
      throw invalid(`Invalid ${what} at detectors.${code}.settings: ${message}`, entry.settings);
    }
  }
  return content;
}
