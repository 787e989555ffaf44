import type { Kysely, Selectable } from 'kysely';
import type { Database, TerminalTable } from '../store/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import type { TerminalInput } from './schemas.ts';
import { phoneKey } from './phone.ts';

export interface Terminal {
  id: number;
  phone: string;
  vehicleId: number | null;
  terminalId: string | null;
  manufacturerId: string | null;
  terminalModel: string | null;
  imei: string | null;
  iccid: string | null;
  edition: string | null;
  registeredAt: string | null;
  authenticatedAt: string | null;
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Maps a row to its API shape; auth codes never leave the store. */
export function toTerminal(row: Selectable<TerminalTable>): Terminal {
  return {
    id: row.id,
    phone: row.phone,
    vehicleId: row.vehicle_id,
    terminalId: row.terminal_id,
    manufacturerId: row.manufacturer_id,
    terminalModel: row.terminal_model,
    imei: row.imei,
    iccid: row.iccid,
    edition: row.edition,
    registeredAt: iso(row.registered_at),
    authenticatedAt: iso(row.authenticated_at),
    lastSeenAt: iso(row.last_seen_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

function toRow(input: Partial<TerminalInput>) {
  return {
    ...(input.phone !== undefined && { phone: input.phone, phone_key: phoneKey(input.phone) }),
    ...(input.vehicleId !== undefined && { vehicle_id: input.vehicleId ?? null }),
    ...(input.terminalId !== undefined && { terminal_id: input.terminalId ?? null }),
    ...(input.manufacturerId !== undefined && { manufacturer_id: input.manufacturerId ?? null }),
    ...(input.terminalModel !== undefined && { terminal_model: input.terminalModel ?? null }),
    ...(input.imei !== undefined && { imei: input.imei ?? null }),
    ...(input.iccid !== undefined && { iccid: input.iccid ?? null }),
    ...(input.legacyAuthCode !== undefined && { legacy_auth_code: input.legacyAuthCode ?? null }),
  };
}

async function assertVehicle(db: Kysely<Database>, vehicleId: number | null | undefined) {
  if (vehicleId == null) return;
  const found = await db.selectFrom('vehicles').select('id').where('id', '=', vehicleId).executeTakeFirst();
  if (!found) throw notFound('Vehicle', vehicleId);
}

/**
 * Names which uniqueness rule an insert or update broke: the phone (GONGCHE_ERR_PHONE_TAKEN, with
 * the phone as value) or the vehicle's one terminal (GONGCHE_ERR_VEHICLE_HAS_TERMINAL, with the
 * bound terminal's phone as value, as work orders report it).
 */
async function uniqueConflict(db: Kysely<Database>, input: Partial<TerminalInput>, selfId?: number) {
  if (input.phone !== undefined) {
    const holder = await db.selectFrom('terminals').select(['id', 'vehicle_id']).where('phone_key', '=', phoneKey(input.phone)).executeTakeFirst();
    if (holder && holder.id !== selfId) {
      return new AppError('GONGCHE_ERR_PHONE_TAKEN', 409, `Terminal phone ${input.phone} is already registered as terminal ${holder.id}; check the number, or edit that terminal`, {
        value: input.phone,
        details: { terminalId: holder.id, vehicleId: holder.vehicle_id },
      });
    }
  }
  const bound = input.vehicleId == null ? undefined : await db.selectFrom('terminals').select(['id', 'phone']).where('vehicle_id', '=', input.vehicleId).executeTakeFirst();
  return new AppError('GONGCHE_ERR_VEHICLE_HAS_TERMINAL', 409, `Vehicle ${input.vehicleId} already has terminal ${bound?.phone} (id ${bound?.id}); unbind that terminal first (PATCH it with vehicleId null)`, {
    value: bound?.phone ?? null,
    details: { terminalId: bound?.id ?? null, vehicleId: input.vehicleId ?? null },
  });
}

export async function createTerminal(db: Kysely<Database>, input: TerminalInput): Promise<Terminal> {
  await assertVehicle(db, input.vehicleId);
  const now = Date.now();
  try {
    const row = await db
      .insertInto('terminals')
      .values({ phone: input.phone, phone_key: phoneKey(input.phone), ...toRow(input), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTerminal(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await uniqueConflict(db, input);
    throw error;
  }
}

export async function updateTerminal(db: Kysely<Database>, id: number, input: Partial<TerminalInput>): Promise<Terminal> {
  await assertVehicle(db, input.vehicleId);
  try {
    const row = await db
      .updateTable('terminals')
      .set({ ...toRow(input), updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('Terminal', id);
    return toTerminal(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw await uniqueConflict(db, input, id);
    throw error;
  }
}

/** Finds a terminal by the phone number of a JT/T 808 header, whatever its edition's padding. */
export async function findTerminalByPhone(db: Kysely<Database>, phone: string) {
  return db.selectFrom('terminals').selectAll().where('phone_key', '=', phoneKey(phone)).executeTakeFirst();
}
