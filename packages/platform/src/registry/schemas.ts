import { z } from 'zod';
import { unitCategories, usageNatures, vehicleStatuses, vehicleTypes } from './vocabulary.ts';
import { normalisePlate, plateProblem } from './plate.ts';
import { phoneProblem } from './phone.ts';
import { organisationCodeProblem } from './organisation-code.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const plateSchema = z
  .string()
  .transform(normalisePlate)
  .superRefine((plate, ctx) => {
    const problem = plateProblem(plate);
    if (problem) ctx.addIssue({ code: 'custom', message: `Invalid plate "${plate}": ${problem}` });
  });

export const terminalPhoneSchema = z
  .string()
  .trim()
  .superRefine((phone, ctx) => {
    const problem = phoneProblem(phone);
    if (problem) ctx.addIssue({ code: 'custom', message: `Invalid terminal phone "${phone}": ${problem}` });
  });

/** An 18-character unified social credit code (GB 32100) or a 9-character organisation code (GB 11714), check character included. */
export const organisationCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((code, ctx) => {
    const problem = organisationCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: `Invalid organisation code "${code}": ${problem}` });
  });

/** A mainland mobile number (11 digits starting with 1) or a landline with area code, e.g. 0998-2812345. */
export const contactPhoneSchema = z.string().trim().regex(/^1[3-9][0-9]{9}$|^0[0-9]{2,3}-?[0-9]{7,8}$/, 'must be an 11-digit mobile number or a landline such as 0998-2812345');

export const unitInput = z.object({
  name: text(100),
  level: text(20).nullish(),
  nature: text(40).nullish(),
  category: z.enum(unitCategories).default('other'),
  organisationCode: organisationCodeSchema.nullish(),
  address: text(200).nullish(),
  supervisingUnitId: z.number().int().positive().nullish(),
  vehicleQuota: z.number().int().min(0).max(10000).nullish(),
  actualCount: z.number().int().min(0).max(10000).nullish(),
  /** The unit's designated staff for the rollout (专人) and their phone. */
  staffName: text(40).nullish(),
  staffPhone: contactPhoneSchema.nullish(),
});
export type UnitInput = z.infer<typeof unitInput>;

export const vehicleInput = z.object({
  unitId: z.number().int().positive(),
  plate: plateSchema,
  brandModel: text(60).nullish(),
  vehicleType: z.enum(vehicleTypes).nullish(),
  usageNature: z.enum(usageNatures).nullish(),
  leaderRank: text(20).nullish(),
  remarks: z.string().trim().max(200).nullish(),
  status: z.enum(vehicleStatuses).default('in_use'),
});
export type VehicleInput = z.infer<typeof vehicleInput>;

export const terminalInput = z.object({
  phone: terminalPhoneSchema,
  vehicleId: z.number().int().positive().nullish(),
  terminalId: text(30).nullish(),
  manufacturerId: text(11).nullish(),
  terminalModel: text(30).nullish(),
  imei: z.string().trim().regex(/^[0-9]{15}$/, 'must be 15 digits').nullish(),
  iccid: z.string().trim().regex(/^[0-9A-Fa-f]{19,20}$/, 'must be 19 or 20 characters').nullish(),
  legacyAuthCode: text(64).nullish(),
});
export type TerminalInput = z.infer<typeof terminalInput>;
