import { z } from 'zod';
import { unitCategories, usageNatures, vehicleStatuses, vehicleTypes } from './vocabulary.ts';
import { normalisePlate, plateProblem } from './plate.ts';
import { phoneProblem } from './phone.ts';

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

export const unitInput = z.object({
  name: text(100),
  level: text(20).nullish(),
  nature: text(40).nullish(),
  category: z.enum(unitCategories).default('other'),
  organisationCode: z.string().trim().regex(/^[0-9A-Z]{9}$|^[0-9A-Z]{18}$/, 'must be a 9-character organisation code or an 18-character unified social credit code').nullish(),
  address: text(200).nullish(),
  supervisingUnitId: z.number().int().positive().nullish(),
  vehicleQuota: z.number().int().min(0).max(10000).nullish(),
  actualCount: z.number().int().min(0).max(10000).nullish(),
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
