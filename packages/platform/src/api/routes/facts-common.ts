import { z } from 'zod';
import { lostOffsetPlus, lostOffsetPlusMessage } from '../schemas.ts';
import { AppError } from '../../errors.ts';
import { categoryHint, parseCategory } from '../../places/categories.ts';

/** A place category as its English code or Chinese name, turned into the code. */
export const categoryInput = z
  .string()
  .describe('Place category: an English code (hotel) or its Chinese name (宾馆酒店)')
  .transform((text, ctx) => {
    const category = parseCategory(text);
    if (!category) {
      ctx.addIssue({ code: 'custom', message: `unknown category ${text}; use one of ${categoryHint()}` });
      return z.NEVER;
    }
    return category;
  });

/** Throws 400 GONGCHE_ERR_IMPORT_ROWS listing every bad row of an import; nothing was stored. */
export function importRowsError(what: string, errors: unknown[]): AppError {
  return new AppError('GONGCHE_ERR_IMPORT_ROWS', 400, `The ${what} has ${errors.length} error(s); nothing was imported`, { details: errors });
}

/** A base64 file in a JSON body; up to about 12 MB of file. */
export const fileContent = z.string().min(1).max(16_000_000).describe('The file, base64-encoded');

/** Body limit of import routes: a base64 file of up to about 12 MB plus the JSON around it. */
export const importBodyLimit = 17 * 1024 * 1024;

/** Milliseconds of an ISO-8601 time; throws on text Date.parse cannot read. */
export const isoInstant = z
  .string()
  .describe('ISO-8601 time with an offset, e.g. 2025-05-06T09:30:00+08:00')
  .transform((text, ctx) => {
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) {
      const message = lostOffsetPlus(text) ? lostOffsetPlusMessage('the time', text) : `invalid time ${text}; use ISO-8601 such as 2025-05-06T09:30:00+08:00`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return ms;
  });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};
