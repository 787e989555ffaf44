import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { conflict } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { plateSchema, terminalInput, terminalPhoneSchema } from './schemas.ts';
import { unitCategories, usageNatures, vehicleTypes, type UnitCategory } from './vocabulary.ts';
import { phoneKey } from './phone.ts';
import { fieldHeadings, requiredFields, type RegistryField, type RegistryRow } from './import-file.ts';

export { readRegistryFile, type RegistryRow } from './import-file.ts';

/** Kind of problem of a cell, for clients that word the reason in the user's language. */
export type ImportErrorCode =
  | 'missing'
  | 'too_long'
  | 'not_allowed'
  | 'invalid_format'
  | 'repeated_in_file'
  | 'plate_taken'
  | 'phone_taken'
  | 'category_differs'
  | 'beyond_header';

/** One problem of one cell; `row` is the spreadsheet row number (header = row 1). */
export interface ImportError {
  row: number;
  column: string;
  value: string | null;
  /** The problem in English, as the command line prints it. */
  reason: string;
}

/** A problem of a registry file's cell, with its kind and the numbers a translated reason needs. */
export interface RegistryImportError extends ImportError {
  code: ImportErrorCode;
  /** Maximum length, for too_long. */
  max?: number;
  /** Accepted values, for not_allowed. */
  allowed?: readonly string[];
  /** The earlier row that has the same value (repeated_in_file) or another category for the unit (category_differs). */
  otherRow?: number;
}

export interface ImportResult {
  /** true when the rows were stored; false on errors or a dry run. */
  imported: boolean;
  errors: RegistryImportError[];
  unitsCreated: string[];
  vehicles: number;
  terminals: number;
}

// Unit categories as the form writes them in Chinese, besides the English codes.
const categoryLabels: Record<string, UnitCategory> = {
  纪检监察: 'discipline_inspection',
  纪检监察机关: 'discipline_inspection',
  纪委监委: 'discipline_inspection',
  法院: 'court',
  人民法院: 'court',
  检察院: 'procuratorate',
  人民检察院: 'procuratorate',
  司法: 'justice',
  司法行政: 'justice',
  公安: 'public_security',
  公安机关: 'public_security',
  其他: 'other',
};

const categorySchema = z.string().transform((text, ctx) => {
  const category = (unitCategories as readonly string[]).includes(text) ? (text as UnitCategory) : categoryLabels[text];
  if (!category) {
    ctx.addIssue({ code: 'custom', message: `unknown unit category; use one of ${Object.keys(categoryLabels).join('、')} or ${unitCategories.join(', ')}` });
    return z.NEVER;
  }
  return category;
});

const maxLengths = { unit: 100, brandModel: 60, remarks: 200, leaderRank: 20, terminalId: 30 } as const;
const allowedValues: Partial<Record<RegistryField, readonly string[]>> = { vehicleType: vehicleTypes, usageNature: usageNatures, unitCategory: Object.keys(categoryLabels) };
const text = (max: number) => z.string().max(max, `must have at most ${max} characters`);

const fieldSchemas: Record<RegistryField, z.ZodType> = {
  unit: text(maxLengths.unit),
  brandModel: text(maxLengths.brandModel),
  plate: plateSchema,
  vehicleType: z.enum(vehicleTypes, { message: `must be one of ${vehicleTypes.join('、')}` }),
  usageNature: z.enum(usageNatures, { message: `must be one of ${usageNatures.join('、')}` }),
  remarks: text(maxLengths.remarks),
  terminalPhone: terminalPhoneSchema,
  unitCategory: categorySchema,
  leaderRank: text(maxLengths.leaderRank),
  terminalId: text(maxLengths.terminalId),
  imei: terminalInput.shape.imei.unwrap().unwrap(),
  iccid: terminalInput.shape.iccid.unwrap().unwrap(),
};

/** Returns the code of a value that fails its column's schema: too_long (with max), not_allowed (with allowed) or invalid_format. */
function schemaFailure(field: RegistryField): Pick<RegistryImportError, 'code' | 'max' | 'allowed'> {
  if (field in maxLengths) return { code: 'too_long', max: maxLengths[field as keyof typeof maxLengths] };
  const allowed = allowedValues[field];
  if (allowed) return { code: 'not_allowed', allowed };
  return { code: 'invalid_format' };
}
const required = new Set<RegistryField>(requiredFields);

type ParsedRow = { rowNumber: number } & Partial<Record<RegistryField, string>>;

function parseRow(row: RegistryRow, errors: RegistryImportError[]): ParsedRow {
  const parsed: ParsedRow = { rowNumber: row.rowNumber };
  // Usually a comma inside an unquoted CSV value, which shifts the row's later values one column
  // right. Listed first, because it explains the errors of the shifted cells after it.
  for (const extra of row.beyondHeader ?? []) {
    errors.push({ row: row.rowNumber, column: extra.column, value: extra.value, code: 'beyond_header', reason: `value in column ${extra.column}, to the right of the header's last column: put a value that contains a comma in double quotes, or add the column's heading` });
  }
  for (const field of Object.keys(fieldSchemas) as RegistryField[]) {
    const value = row.values[field];
    const cell = { row: row.rowNumber, column: fieldHeadings[field], value: value ?? null };
    if (value === undefined) {
      if (required.has(field)) errors.push({ ...cell, code: 'missing', reason: 'missing: every row needs a value in this column' });
      continue;
    }
    const result = fieldSchemas[field].safeParse(value);
    if (result.success) parsed[field] = result.data as string;
    else errors.push({ ...cell, ...schemaFailure(field), reason: result.error.issues.map((issue) => issue.message).join('; ') });
  }
  return parsed;
}

/** Reports values of a column that repeat within the file; `key` maps a value to what must be unique. */
function findDuplicates(rows: ParsedRow[], field: RegistryField, key: (value: string) => string, errors: RegistryImportError[]) {
  const firstRow = new Map<string, number>();
  for (const row of rows) {
    const value = row[field];
    if (value === undefined) continue;
    const seen = firstRow.get(key(value));
    if (seen === undefined) firstRow.set(key(value), row.rowNumber);
    else errors.push({ row: row.rowNumber, column: fieldHeadings[field], value, code: 'repeated_in_file', otherRow: seen, reason: `repeats the value of row ${seen}` });
  }
}

async function findRegistered(db: Kysely<Database>, rows: ParsedRow[], errors: RegistryImportError[]) {
  const plates = rows.flatMap((row) => (row.plate ? [row.plate] : []));
  const keys = rows.flatMap((row) => (row.terminalPhone ? [phoneKey(row.terminalPhone)] : []));
  const takenPlates = new Set<string>();
  const takenKeys = new Set<string>();
  for (let i = 0; i < Math.max(plates.length, keys.length); i += 500) {
    const plateChunk = plates.slice(i, i + 500);
    const keyChunk = keys.slice(i, i + 500);
    if (plateChunk.length) for (const r of await db.selectFrom('vehicles').select('plate').where('plate', 'in', plateChunk).execute()) takenPlates.add(r.plate);
    if (keyChunk.length) for (const r of await db.selectFrom('terminals').select('phone_key').where('phone_key', 'in', keyChunk).execute()) takenKeys.add(r.phone_key);
  }
  for (const row of rows) {
    if (row.plate && takenPlates.has(row.plate)) {
      errors.push({ row: row.rowNumber, column: fieldHeadings.plate, value: row.plate, code: 'plate_taken', reason: 'plate is already registered (a plate is unique across all units)' });
    }
    if (row.terminalPhone && takenKeys.has(phoneKey(row.terminalPhone))) {
      errors.push({ row: row.rowNumber, column: fieldHeadings.terminalPhone, value: row.terminalPhone, code: 'phone_taken', reason: 'phone is already bound to a registered terminal' });
    }
  }
}

/** Returns the category of each unit the import creates (other unless a row gives one); reports rows that give one new unit two categories. */
function newUnitCategories(rows: ParsedRow[], existing: Set<string>, errors: RegistryImportError[]): Map<string, UnitCategory> {
  const names = new Set<string>();
  const explicit = new Map<string, { category: UnitCategory; row: number }>();
  for (const row of rows) {
    if (!row.unit || existing.has(row.unit)) continue;
    names.add(row.unit);
    const category = row.unitCategory as UnitCategory | undefined;
    if (!category) continue;
    const first = explicit.get(row.unit);
    if (!first) explicit.set(row.unit, { category, row: row.rowNumber });
    else if (first.category !== category) {
      errors.push({ row: row.rowNumber, column: fieldHeadings.unitCategory, value: category, code: 'category_differs', otherRow: first.row, reason: `differs from the category ${first.category} given for this unit in row ${first.row}` });
    }
  }
  return new Map([...names].map((name) => [name, explicit.get(name)?.category ?? 'other']));
}

/**
 * Validates every row and, when all are valid, stores new units, vehicles and terminals in one
 * transaction. Any error stores nothing. A dry run validates without storing.
 */
export async function importRegistry(db: Kysely<Database>, rows: RegistryRow[], options: { dryRun?: boolean } = {}): Promise<ImportResult> {
  const errors: RegistryImportError[] = [];
  const parsed = rows.map((row) => parseRow(row, errors));
  findDuplicates(parsed, 'plate', (plate) => plate, errors);
  findDuplicates(parsed, 'terminalPhone', phoneKey, errors);
  findDuplicates(parsed, 'imei', (imei) => imei, errors);
  findDuplicates(parsed, 'iccid', (iccid) => iccid.toUpperCase(), errors);
  await findRegistered(db, parsed, errors);

  const units = await db.selectFrom('units').select(['id', 'name']).execute();
  const unitIds = new Map(units.map((unit) => [unit.name, unit.id]));
  const newUnits = newUnitCategories(parsed, new Set(unitIds.keys()), errors);

  errors.sort((a, b) => a.row - b.row);
  const result = { errors, unitsCreated: [...newUnits.keys()], vehicles: parsed.length, terminals: parsed.length };
  if (errors.length > 0 || options.dryRun) return { imported: false, ...result };

  await store(db, parsed, unitIds, newUnits);
  return { imported: true, ...result };
}

async function store(db: Kysely<Database>, rows: ParsedRow[], unitIds: Map<string, number>, newUnits: Map<string, UnitCategory>) {
  const now = Date.now();
  try {
    await db.transaction().execute(async (trx) => {
      for (const [name, category] of newUnits) {
        const unit = await trx.insertInto('units').values({ name, category, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
        unitIds.set(name, unit.id);
      }
      for (const row of rows) {
        const vehicle = await trx
          .insertInto('vehicles')
          .values({
            unit_id: unitIds.get(row.unit!)!,
            plate: row.plate!,
            brand_model: row.brandModel ?? null,
            vehicle_type: row.vehicleType ?? null,
            usage_nature: row.usageNature ?? null,
            leader_rank: row.leaderRank ?? null,
            remarks: row.remarks ?? null,
            status: 'in_use',
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('terminals')
          .values({
            phone: row.terminalPhone!,
            phone_key: phoneKey(row.terminalPhone!),
            vehicle_id: vehicle.id,
            terminal_id: row.terminalId ?? null,
            imei: row.imei ?? null,
            iccid: row.iccid ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    });
  } catch (error) {
    // Another writer registered the same plate or phone between validation and storing.
    if (isUniqueViolation(error)) throw conflict('A plate or terminal phone of the file was registered meanwhile; nothing was imported, run the import again', null);
    throw error;
  }
}
