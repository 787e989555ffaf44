import { z } from 'zod';
import { clockWindowSchema, placeCategorySchema, severitySchema } from './settings.ts';

const rangeSchema = z
  .strictObject({ min: z.number().min(0).optional(), max: z.number().min(0).optional() })
  .refine((range) => range.min !== undefined || range.max !== undefined, 'give min, max or both')
  .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, 'min must not exceed max');
export type Range = z.infer<typeof rangeSchema>;

/** Conditions of a custom rule. Every condition given must hold. */
const conditionsSchema = z
  .strictObject({
    /** The stop (for a trip: the stop it ended at) is at a place of one of these categories. */
    placeCategories: z.array(placeCategorySchema).min(1).optional(),
    /** The stop (for a trip: the stop it ended at) is at one of these stored places. */
    placeIds: z.array(z.number().int().positive()).min(1).optional(),
    /** The day type of the start. A day of a year without a schedule is taken by its weekday. */
    dayTypes: z.array(z.enum(['workday', 'weekend', 'holiday'])).min(1).optional(),
    /** The stop or trip overlaps one of these local time windows. A window whose end is before its start runs past midnight. */
    timeWindows: z.array(clockWindowSchema.refine((window) => window.from !== window.to, 'from and to must differ')).min(1).optional(),
    /** Duration of the stop or trip, minutes. */
    durationMin: rangeSchema.optional(),
    /** Distance driven, km (trip rules only). */
    distanceKm: rangeSchema.optional(),
    /** Highest speed of the trip's valid fixes, km/h (trip rules only). */
    topSpeedKmh: rangeSchema.optional(),
    /** Whether an approved order covers the stop or trip. */
    order: z.enum(['present', 'absent']).optional(),
  })
  .refine((when) => Object.values(when).some((value) => value !== undefined), 'give at least one condition');

const ruleIdPattern = /^[a-z0-9][a-z0-9_-]{0,39}$/;

export const customRuleSchema = z
  .strictObject({
    /** Stable id used in the alerts' merge keys: lower-case letters, digits, - and _. */
    id: z.string().regex(ruleIdPattern, 'expected 1 to 40 lower-case letters, digits, - or _, starting with a letter or digit'),
    /** The name reviewers see. */
    name: z.string().trim().min(2).max(60),
    on: z.enum(['stop', 'trip']),
    severity: severitySchema.default('medium'),
    enabled: z.boolean().default(true),
    when: conditionsSchema,
  })
  .superRefine((rule, context) => {
    if (rule.on !== 'stop') return;
    for (const key of ['distanceKm', 'topSpeedKmh'] as const) {
      if (rule.when[key] !== undefined) context.addIssue({ code: 'custom', path: ['when', key], message: `${key} applies to trip rules only` });
    }
  });
export type CustomRule = z.infer<typeof customRuleSchema>;

export const customSettingsSchema = z.strictObject({
  /** Administrator-defined rules, checked in order. Each finding names its rule. */
  rules: z
    .array(customRuleSchema)
    .max(50)
    .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, 'rule ids must be unique')
    .default([]),
});
export type CustomSettings = z.infer<typeof customSettingsSchema>;
