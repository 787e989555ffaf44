import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';

/** Weights of the inspection score; each part scores 0..100 and the weights are normalised by their sum. */
export const inspectionWeightsSchema = z.object({
  coverage: z.number().min(0).max(100),
  onlineRate: z.number().min(0).max(100),
  tamperAlerts: z.number().min(0).max(100),
  unansweredAlerts: z.number().min(0).max(100),
}).refine((w) => w.coverage + w.onlineRate + w.tamperAlerts + w.unansweredAlerts > 0, 'at least one weight must be above 0');

export const rolloutSettingsSchema = z.object({
  /** Organ that issues reply letters and bulletins. */
  issuingOrgan: z.string().trim().min(2).max(60),
  /** Prefix of reply-letter numbers, as in 喀地机管函〔2022〕12号. */
  letterNumberPrefix: z.string().trim().min(2).max(20),
  /** Text printed where the issuing organ's seal goes. */
  sealText: z.string().trim().min(2).max(60),
  /** Acceptance needs positions received within this many days. */
  acceptanceWindowDays: z.number().int().min(1).max(90),
  /** A terminal counts as online in bulletins and inspections when it reported within this many hours. */
  onlineWindowHours: z.number().int().min(1).max(24 * 30),
  inspectionWeights: inspectionWeightsSchema,
});
export type RolloutSettings = z.infer<typeof rolloutSettingsSchema>;

/** A change of settings: any of the settings, and nothing else (an unknown or misspelt name is rejected). */
export const rolloutSettingsChange = rolloutSettingsSchema.partial().strict();

export const defaultRolloutSettings: RolloutSettings = {
  issuingOrgan: '喀什地区机关事务管理局',
  letterNumberPrefix: '喀地机管函',
  sealText: '（喀什地区机关事务管理局印章）',
  acceptanceWindowDays: 7,
  onlineWindowHours: 24,
  inspectionWeights: { coverage: 40, onlineRate: 30, tamperAlerts: 15, unansweredAlerts: 15 },
};

/** Reads the rollout settings: stored values over the defaults. */
export async function getRolloutSettings(db: Kysely<Database>): Promise<RolloutSettings> {
  const rows = await db.selectFrom('rollout_settings').selectAll().execute();
  const stored = Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  return rolloutSettingsSchema.parse({ ...defaultRolloutSettings, ...stored });
}

/** Stores the given settings (already validated) and returns the settings in force. */
export async function updateRolloutSettings(db: Kysely<Database>, changes: Partial<RolloutSettings>): Promise<RolloutSettings> {
  const now = Date.now();
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const row = { key, value: JSON.stringify(value), updated_at: now };
    await db.insertInto('rollout_settings').values(row).onConflict((c) => c.column('key').doUpdateSet({ value: row.value, updated_at: now })).execute();
  }
  return getRolloutSettings(db);
}
