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

/** One problem of one cell; `row` is the spreadsheet row number (header = row 1). */
export interface ImportError {
  row: number;
  column: string;
  value: string | null;
  reason: string;
}

export interface ImportResult {
  /** true when the rows were stored; false on errors or a dry run. */
  imported: boolean;
  errors: ImportError[];
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

const text = (max: number) => z.string().max(max, `must have at most ${max} characters`);

const fieldSchemas: Record<RegistryField, z.ZodType> = {
  unit: text(100),
  brandModel: text(60),
  plate: plateSchema,
  vehicleType: z.enum(vehicleTypes, { message: `must be one of ${vehicleTypes.join('、')}` }),
  usageNature: z.enum(usageNatures, { message: `must be one of ${usageNatures.join('、')}` }),
  remarks: text(200),
  terminalPhone: terminalPhoneSchema,
  unitCategory: categorySchema,
  leaderRank: text(20),
  terminalId: text(30),
  imei: terminalInput.shape.imei.unwrap().unwrap(),
  iccid: terminalInput.shape.iccid.unwrap().unwrap(),
};
const required = new Set<RegistryField>(requiredFields);

type ParsedRow = { rowNumber: number } & Partial<Record<RegistryField, string>>;

function parseRow(row: RegistryRow, errors: ImportError[]): ParsedRow {
  const parsed: ParsedRow = { rowNumber: row.rowNumber };
  for (const field of Object.keys(fieldSchemas) as RegistryField[]) {
    const value = row.values[field];
    const error = (reason: string) => errors.push({ row: row.rowNumber, column: fieldHeadings[field], value: value ?? null, reason });
    if (value === undefined) {
      if (required.has(field)) error('missing: every row needs a value in this column');
      continue;
    }
    const result = fieldSchemas[field].safeParse(value);
    if (result.success) parsed[field] = result.data as string;
    else error(result.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed;
}

/** Reports values of a column that repeat within the file; `key` maps a value to what must be unique. */
function findDuplicates(rows: ParsedRow[], field: RegistryField, key: (value: string) => string, errors: ImportError[]) {
  const firstRow = new Map<string, number>();
  for (const row of rows) {
    const value = row[field];
    if (value === undefined) continue;
    const seen = firstRow.get(key(value));
    if (seen === undefined) firstRow.set(key(value), row.rowNumber);
    else errors.push({ row: row.rowNumber, column: fieldHeadings[field], value, reason: `repeats the value of row ${seen}` });
  }
}

async function findRegistered(db: Kysely<Database>, rows: ParsedRow[], errors: ImportError[]) {
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
      errors.push({ row: row.rowNumber, column: fieldHeadings.plate, value: row.plate, reason: 'plate is already registered (a plate is unique across all units)' });
    }
    if (row.terminalPhone && takenKeys.has(phoneKey(row.terminalPhone))) {
      errors.push({ row: row.rowNumber, column: fieldHeadings.terminalPhone, value: row.terminalPhone, reason: 'phone is already bound to a registered terminal' });
    }
  }
}

/** Returns the category of each unit the import creates (other unless a row gives one); reports rows that give one new unit two categories. */
function newUnitCategories(rows: ParsedRow[], existing: Set<string>, errors: ImportError[]): Map<string, UnitCategory> {
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
      errors.push({ row: row.rowNumber, column: fieldHeadings.unitCategory, value: category, reason: `differs from the category ${first.category} given for this unit in row ${first.row}` });
    }
  }
  return new Map([...names].map((name) => [name, explicit.get(name)?.category ?? 'other']));
}

/**
 * Validates every row and, when all are valid, stores new units, vehicles and terminals in one
 * transaction. Any error stores nothing. A dry run validates without storing.
 */
export async function importRegistry(db: Kysely<Database>, rows: RegistryRow[], options: { dryRun?: boolean } = {}): Promise<ImportResult> {
  const errors: ImportError[] = [];
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
