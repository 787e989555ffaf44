import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../store/schema.ts';
import { invalid } from '../../errors.ts';
import { defaultCalendarTimeZone, localDate } from '../calendar.ts';
import { checkStopSettings, defaultStopSettings } from '../stops.ts';
import { timeWindow } from './time-window.ts';

/**
 * Engine-wide rule settings. Working hours and the night window are defaults that templates may
 * override per usage nature, unit or vehicle; the rest applies to every vehicle.
 */
export const ruleSettingsSchema = z.strictObject({
  /** IANA time zone that days, nights, holidays and working hours are evaluated in. */
  timeZone: z.string().min(1),
  workingHours: z.array(timeWindow).min(1).max(4),
  nightWindow: timeWindow,
  stops: z.strictObject({
    dwellRadiusM: z.number().positive().max(2000),
    minDwellS: z.number().positive().max(86_400),
    stationarySpeedKmh: z.number().positive().max(30),
    departureFixes: z.number().int().min(1).max(20),
  }),
  places: z.strictObject({
    /** A stop matches a designated parking place or a government office within this distance outside its edge. */
    officialMarginM: z.number().min(0).max(500),
    /** A stop matches any other place only within this distance outside its edge. */
    otherMarginM: z.number().min(0).max(500),
    /** A place matched when the stop began stays matched while the stop's median is within this distance of its edge. */
    stayMarginM: z.number().min(0).max(500),
    /** A fix counts as outside the prefecture only beyond this distance outside every prefecture_boundary place. */
    boundaryMarginM: z.number().min(0).max(20_000),
  }),
  orders: z.strictObject({
    /** A trip may start or end this many minutes outside its order's time window and still be covered. */
    windowGraceMin: z.number().int().min(0).max(720),
  }),
  /** Day checkpoints kept per vehicle for late blind-area uploads; an upload older than the oldest is evaluated from an empty state. */
  checkpointDays: z.number().int().min(1).max(400),
});
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

/** A change of settings: any top-level setting, replaced whole; unknown names are rejected. */
export const ruleSettingsChange = ruleSettingsSchema.partial();

/**
 * Defaults, in Beijing time (Asia/Shanghai), which Xinjiang's government offices keep by law while
 * daylight runs about two hours later than in eastern China. Offices there work 10:00-14:00 and
 * 16:00-20:00 in summer, and usually 15:30-19:30 in the afternoon in winter, which administrators
 * set at each season. The night window 23:00-08:00 covers the hours when an official vehicle
 * should rest at its parking.
 */
export const defaultRuleSettings: RuleSettings = {
  timeZone: defaultCalendarTimeZone,
  workingHours: [
    { start: '10:00', end: '14:00' },
    { start: '16:00', end: '20:00' },
  ],
  nightWindow: { start: '23:00', end: '08:00' },
  stops: { ...defaultStopSettings },
  places: { officialMarginM: 50, otherMarginM: 0, stayMarginM: 50, boundaryMarginM: 500 },
  orders: { windowGraceMin: 30 },
  checkpointDays: 30,
};

/** Checks what zod cannot: that the time zone exists and the stop settings hold together. */
function checkSettings(settings: RuleSettings): RuleSettings {
  localDate(0, settings.timeZone);
  checkStopSettings(settings.stops);
  return settings;
}

/** Validates a change against the current settings and returns the settings after it; throws GONGCHE_ERR_VALIDATION naming the field. */
export function applySettingsChange(current: RuleSettings, change: unknown): RuleSettings {
  const parsed = ruleSettingsChange.safeParse(change);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const unknownKey = first.code === 'unrecognized_keys' ? first.keys[0] : undefined;
    const path = [...first.path, ...(unknownKey === undefined ? [] : [unknownKey])].join('.');
    const message = unknownKey === undefined ? first.message : `unknown setting; expected one of ${Object.keys(defaultRuleSettings).join(', ')}`;
    throw invalid(`Invalid rule setting ${path || '(body)'}: ${message}`, change, parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return checkSettings({ ...current, ...(parsed.data as Partial<RuleSettings>) });
}

/** Reads the rule settings: the stored value over the defaults (a stored value is always complete). */
export async function loadRuleSettings(db: Kysely<Database>): Promise<RuleSettings> {
  const row = await db.selectFrom('rule_settings').select('value').where('key', '=', 'engine').executeTakeFirst();
  if (!row) return defaultRuleSettings;
  return { ...defaultRuleSettings, ...(JSON.parse(row.value) as Partial<RuleSettings>) };
}

/** Validates and stores a change; returns the new settings. */
export async function saveRuleSettings(db: Kysely<Database>, change: unknown, userId: number | null, now = Date.now()): Promise<RuleSettings> {
  const next = applySettingsChange(await loadRuleSettings(db), change);
  const value = JSON.stringify(next);
  await db
    .insertInto('rule_settings')
    .values({ key: 'engine', value, updated_at: now, updated_by: userId })
    .onConflict((c) => c.column('key').doUpdateSet({ value, updated_at: now, updated_by: userId }))
    .execute();
  return next;
}
