import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { ImportError } from '../registry/import.ts';
import { normalisePlate } from '../registry/plate.ts';
import { defaultCalendarTimeZone } from '../rules/calendar.ts';
import { loadLookups, orderProblems, type DriverFact, type OrderLookups, type OrderScope, type PlaceFact, type VehicleFact } from './check.ts';
import { excelDateToInstant, parseOrderTime } from './local-time.ts';
import { insertOrder } from './orders.ts';
import { orderHeadings, type OrderCell, type OrderField, type OrderFileRow } from './import-file.ts';
import type { DestinationInput, OrderInput, OrderStatus } from './model.ts';

export interface OrderImportOptions {
  /** Units whose vehicles the rows may name; undefined for every unit (the CLI). */
  scope: OrderScope;
  /** Only vehicles of this unit (the CLI's --unit). */
  unitId?: number | undefined;
  /** Whether rows may be imported as already approved (状态 已批准). */
  mayApprove: boolean;
  userId: number | null;
  timeZone?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface OrderImportResult {
  /** True when the orders were stored; false on any error or a dry run. */
  imported: boolean;
  orders: number;
  approved: number;
  errors: ImportError[];
  ids: number[];
}

const yes = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓']);
const no = new Set(['否', 'n', 'no', 'false', '0', '']);
const approvedWords = new Set(['approved', '已批准', '批准', '已审批', '同意', '通过']);
const pendingWords = new Set(['pending', '待审批', '未审批', '审批中']);

/** Lookups by the names a file uses. */
interface NameIndex {
  vehiclesByPlate: Map<string, VehicleFact>;
  driversByUnit: Map<number, DriverFact[]>;
  placesByName: Map<string, PlaceFact[]>;
}

function indexByName(lookups: OrderLookups): NameIndex {
  const driversByUnit = new Map<number, DriverFact[]>();
  for (const driver of lookups.drivers.values()) driversByUnit.set(driver.unitId, [...(driversByUnit.get(driver.unitId) ?? []), driver]);
  const placesByName = new Map<string, PlaceFact[]>();
  for (const place of lookups.places.values()) placesByName.set(place.name, [...(placesByName.get(place.name) ?? []), place]);
  return { vehiclesByPlate: new Map([...lookups.vehicles.values()].map((v) => [normalisePlate(v.plate), v])), driversByUnit, placesByName };
}

type Report = (field: OrderField, value: string | null, reason: string) => void;
const text = (cell: OrderCell | undefined) => (cell === undefined ? undefined : cell instanceof Date ? cell.toISOString() : cell);

function readFlag(cell: OrderCell | undefined, field: OrderField, report: Report): boolean {
  const value = (text(cell) ?? '').trim().toLowerCase();
  if (yes.has(value)) return true;
  if (!no.has(value)) report(field, value, 'expected 是 or 否 (yes or no)');
  return false;
}

function readTime(cell: OrderCell | undefined, field: OrderField, timeZone: string, report: Report): number {
  if (cell instanceof Date) return excelDateToInstant(cell, timeZone);
  const ms = cell === undefined ? null : parseOrderTime(cell, timeZone);
  if (ms === null) report(field, cell ?? null, `not a time; write e.g. 2025-05-06 09:30 (${timeZone}) or 2025-05-06T09:30:00+08:00`);
  return ms ?? Number.NaN;
}

const pointPattern = /^(.*?)\s*@\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)(?:\s*,\s*(\d+(?:\.\d+)?))?$/;

/** Reads "place name; #12; 名称@39.47,75.99,500" into destinations: place names, place ids, or points with an optional radius in metres. */
function readDestinations(cell: OrderCell | undefined, unitId: number | null, index: NameIndex, scope: OrderScope, report: Report): DestinationInput[] {
  const parts = (text(cell) ?? '').split(/[;；|\n]/).map((p) => p.trim()).filter((p) => p !== '');
  const destinations: DestinationInput[] = [];
  for (const part of parts) {
    const point = pointPattern.exec(part);
    if (point) {
      destinations.push({ name: point[1]!, latitude: Number(point[2]), longitude: Number(point[3]), radiusM: point[4] === undefined ? undefined : Number(point[4]) });
      continue;
    }
    if (/^#\d+$/.test(part)) {
      destinations.push({ placeId: Number(part.slice(1)) });
      continue;
    }
    const usable = (index.placesByName.get(part) ?? []).filter((p) => p.unitId === null || p.unitId === unitId || scope === undefined || scope.includes(p.unitId));
    if (usable.length === 1) destinations.push({ placeId: usable[0]!.id });
    else if (usable.length === 0) report('destinations', part, 'unknown place; give a stored place name, #place id, or a point as 名称@纬度,经度[,半径米]');
    else report('destinations', part, `several places have this name (ids ${usable.map((p) => p.id).join(', ')}); write #id instead`);
  }
  return destinations;
}

function readDriver(cell: OrderCell | undefined, vehicle: VehicleFact | undefined, index: NameIndex, report: Report): number | null {
  const value = text(cell)?.trim();
  if (!value || !vehicle) return null;
  const drivers = (index.driversByUnit.get(vehicle.unitId) ?? []).filter((d) => d.active);
  const byCard = drivers.filter((d) => d.cardNumber === value);
  const matches = byCard.length > 0 ? byCard : drivers.filter((d) => d.name === value);
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) report('driver', value, 'no active driver of the vehicle\'s unit has this name or IC card number');
  else report('driver', value, `several drivers of the unit have this name (ids ${matches.map((d) => d.id).join(', ')}); write the IC card number instead`);
  return null;
}

function readStatus(cell: OrderCell | undefined, mayApprove: boolean, report: Report): OrderStatus {
  const value = (text(cell) ?? '').trim().toLowerCase();
  if (value === '' || pendingWords.has(value)) return 'pending';
  if (!approvedWords.has(value)) {
    report('status', value, 'expected 已批准 (approved) or 待审批 (pending)');
    return 'pending';
  }
  if (!mayApprove) report('status', value, 'your role may not approve trip orders; leave 状态 empty to import the order as pending');
  return 'approved';
}

const problemColumns: Record<string, OrderField> = { vehicleId: 'plate', driverId: 'driver', applicant: 'applicant', purpose: 'purpose', start: 'start', end: 'end' };

interface ReadRow {
  input: OrderInput;
  unitId: number;
  status: OrderStatus;
}

function readRow(row: OrderFileRow, index: NameIndex, lookups: OrderLookups, options: OrderImportOptions, errors: ImportError[]): ReadRow | null {
  const before = errors.length;
  const report: Report = (field, value, reason) => errors.push({ row: row.rowNumber, column: orderHeadings[field], value, reason });
  const v = row.values;
  for (const field of ['plate', 'applicant', 'purpose', 'start', 'end', 'destinations'] as const) {
    if (v[field] === undefined) report(field, null, 'missing: every row needs a value in this column');
  }
  const plate = v.plate === undefined ? undefined : normalisePlate(text(v.plate)!);
  const vehicle = plate === undefined ? undefined : index.vehiclesByPlate.get(plate);
  const timeZone = options.timeZone ?? defaultCalendarTimeZone;
  if (plate !== undefined && vehicle && options.unitId !== undefined && vehicle.unitId !== options.unitId) {
    report('plate', plate, `the vehicle belongs to ${lookups.unitNames.get(vehicle.unitId) ?? `unit ${vehicle.unitId}`}, not to ${lookups.unitNames.get(options.unitId) ?? `unit ${options.unitId}`}`);
  }
  const input: OrderInput = {
    vehicleId: vehicle?.id ?? -1,
    driverId: readDriver(v.driver, vehicle, index, report),
    applicant: text(v.applicant) ?? '',
    purpose: text(v.purpose) ?? '',
    start: v.start === undefined ? Number.NaN : readTime(v.start, 'start', timeZone, report),
    end: v.end === undefined ? Number.NaN : readTime(v.end, 'end', timeZone, report),
    outOfArea: readFlag(v.outOfArea, 'outOfArea', report),
    holidayUse: readFlag(v.holidayUse, 'holidayUse', report),
    destinations: readDestinations(v.destinations, vehicle?.unitId ?? null, index, options.scope, report),
    externalRef: text(v.externalRef)?.trim() || null,
  };
  const status = readStatus(v.status, options.mayApprove, report);
  if (errors.length > before) return null;
  for (const problem of orderProblems(input, lookups, options.scope)) {
    const field = problemColumns[problem.field] ?? (problem.field.startsWith('destinations') ? 'destinations' : 'plate');
    const value = problem.field === 'vehicleId' ? (plate ?? null) : problem.value;
    report(field, value, problem.field === 'vehicleId' && !vehicle ? 'unknown vehicle: no vehicle with this plate among the vehicles of your unit(s)' : problem.reason);
  }
  return errors.length > before ? null : { input, unitId: vehicle!.unitId, status };
}

/** An order number of a row and the unit of the row's vehicle, when the plate is known. */
interface RowRef {
  row: number;
  ref: string;
  unitId: number | null;
}

/** Reports order numbers repeated in the file (bad rows included) or already stored for the same unit. */
async function duplicateRefs(db: Kysely<Database>, refs: RowRef[], errors: ImportError[]) {
  const seen = new Map<string, number>();
  for (const { row, ref, unitId } of refs) {
    const key = `${unitId ?? ''}\u0000${ref}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ row, column: orderHeadings.externalRef, value: ref, reason: `repeats the order number of row ${first}` });
      continue;
    }
    seen.set(key, row);
    if (unitId === null) continue;
    const stored = await db.selectFrom('trip_orders').select('id').where('unit_id', '=', unitId).where('external_ref', '=', ref).executeTakeFirst();
    if (stored) errors.push({ row, column: orderHeadings.externalRef, value: ref, reason: `already imported as trip order ${stored.id}` });
  }
}

/**
 * Checks every row of a trip order file and, when all are valid, stores the orders in one
 * transaction; any error stores nothing. Rows marked 已批准 are stored as approved, which needs
 * the right to approve. A dry run checks without storing.
 */
export async function importOrders(db: Kysely<Database>, rows: OrderFileRow[], options: OrderImportOptions): Promise<OrderImportResult> {
  const lookups = await loadLookups(db);
  const index = indexByName(lookups);
  const errors: ImportError[] = [];
  const read: { row: OrderFileRow; read: ReadRow }[] = [];
  const refs: RowRef[] = [];
  for (const row of rows) {
    const result = readRow(row, index, lookups, options, errors);
    if (result) read.push({ row, read: result });
    const ref = text(row.values.externalRef)?.trim();
    const plate = text(row.values.plate);
    if (ref) refs.push({ row: row.rowNumber, ref, unitId: plate === undefined ? null : (index.vehiclesByPlate.get(normalisePlate(plate))?.unitId ?? null) });
  }
  if (rows.length === 0) errors.push({ row: 0, column: '', value: null, reason: 'the file has a header but no data rows' });
  await duplicateRefs(db, refs, errors);
  errors.sort((a, b) => a.row - b.row);
  const approved = read.filter((r) => r.read.status === 'approved').length;
  if (errors.length > 0 || options.dryRun) return { imported: false, orders: read.length, approved, errors, ids: [] };

  const now = Date.now();
  const ids = await db.transaction().execute(async (trx) => {
    const stored: number[] = [];
    for (const { read: r } of read) {
      const meta = { status: r.status, createdBy: options.userId, decidedBy: r.status === 'approved' ? options.userId : null, decisionComment: r.status === 'approved' ? 'approved in the imported file' : null, now };
      stored.push(await insertOrder(trx, r.input, r.unitId, meta));
    }
    return stored;
  });
  return { imported: true, orders: ids.length, approved, errors, ids };
}
