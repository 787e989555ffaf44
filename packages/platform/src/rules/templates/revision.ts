import { createHash } from 'node:crypto';
import type { RuleSettings } from './settings.ts';
import type { TemplateSet } from './resolve.ts';

/**
 * Returns a short digest (12 hex digits of SHA-256) of the rule settings, every template and every
 * vehicle's own template and overrides. Two evaluations with the same revision used the same
 * settings. Places, trip orders and the calendar are not part of the digest.
 */
export function settingsRevision(settings: RuleSettings, templates: TemplateSet): string {
  const canonical = JSON.stringify({
    settings,
    templates: templates.templates.map((t) => ({ id: t.id, usageNature: t.usageNature, unitId: t.unitId, content: t.content })),
    assignments: [...templates.assignments.entries()].sort(([a], [b]) => a - b),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
