import { z } from 'zod';
import { unitInput, vehicleInput, terminalInput } from '../registry/schemas.ts';
import { unitCategories, vehicleStatuses } from '../registry/vocabulary.ts';

/** Body of every error response. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable error code, e.g. GONGCHE_ERR_VALIDATION'),
      message: z.string(),
      value: z.unknown().optional(),
      details: z.unknown().optional(),
    }),
  })
  .describe('Error');

/** Standard error responses, for the OpenAPI document. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
};

export const idParams = z.object({ id: z.coerce.number().int().positive() });

export const isoTime = z.string().describe('ISO-8601 UTC time');

/** Whether a time ends in a space and an offset: an unencoded '+' in a URL arrives as a space. */
export const lostOffsetPlus = (text: string) => / \d{2}(:?\d{2})?$/.test(text);

export const lostOffsetPlusMessage = (name: string, text: string) =>
  `${name} "${text}" lost the '+' of its offset, which a URL reads as a space: write it as %2B, e.g. 2026-03-01T08:00:00%2B08:00`;

/**
 * A time in a query string, as UTC milliseconds: ISO 8601 with a zone offset or Z. An unencoded
 * '+' in a URL arrives as a space, so a time that ends in a space and an offset gets a hint to
 * write %2B instead.
 */
export const queryInstant = (name: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `${name} is required: an ISO-8601 time such as 2026-03-01T00:00:00Z` : undefined) }).transform((text, ctx) => {
    if (z.iso.datetime({ offset: true }).safeParse(text).success) return Date.parse(text);
    const message = lostOffsetPlus(text)
      ? lostOffsetPlusMessage(name, text)
      : `${name} must be an ISO-8601 time with a zone, e.g. 2026-03-01T08:00:00+08:00 (write the '+' as %2B in a URL) or 2026-03-01T00:00:00Z`;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });

/** Query-string boolean: the words true and false. */
export const queryBoolean = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

// PATCH bodies drop the create defaults: zod 4 applies a default inside .partial(), which would reset fields the request left out.
export const unitPatch = unitInput.extend({ category: z.enum(unitCategories) }).partial();
export const vehiclePatch = vehicleInput.extend({ status: z.enum(vehicleStatuses) }).partial();
export const terminalPatch = terminalInput.partial();

export const unitOutput = z.object({
  id: z.number(),
  name: z.string(),
  level: z.string().nullable(),
  nature: z.string().nullable(),
  category: z.string(),
  organisationCode: z.string().nullable(),
  address: z.string().nullable(),
  supervisingUnitId: z.number().nullable(),
  vehicleQuota: z.number().nullable(),
  actualCount: z.number().nullable(),
  staffName: z.string().nullable(),
  staffPhone: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const terminalOutput = z.object({
  id: z.number(),
  phone: z.string(),
  vehicleId: z.number().nullable(),
  terminalId: z.string().nullable(),
  manufacturerId: z.string().nullable(),
  terminalModel: z.string().nullable(),
  imei: z.string().nullable(),
  iccid: z.string().nullable(),
  edition: z.string().nullable(),
  registeredAt: isoTime.nullable(),
  authenticatedAt: isoTime.nullable(),
  lastSeenAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  online: z.boolean(),
});

export const userOutput = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.string(),
  unitId: z.number().nullable(),
  mustChangePassword: z.boolean(),
  totpEnabled: z.boolean(),
  disabled: z.boolean(),
});
