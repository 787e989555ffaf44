import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { AlertDraft } from '../engine/types.ts';
import type { Logger } from '../../logger.ts';
import { integrityDraft } from './drafts.ts';
import { saveIntegrityAlerts, type AlertPublisher } from './save.ts';
import { loadSweepRules } from './sweep-rules.ts';

const code = 'device_swap';

/** The registry's terminal record that a registration or an attributes report came from. */
export interface RegisteredTerminal {
  id: number;
  phone: string;
  vehicle_id: number | null;
  terminal_id: string | null;
  iccid: string | null;
}

/** Identity a terminal reported about itself: its terminal id in 0x0100, its terminal id and ICCID in 0x0107. */
export interface ReportedIdentity {
  terminalId?: string;
  iccid?: string;
  remoteAddress: string;
  /** Message that carried the identity, 0x0100 or 0x0107. */
  messageId: number;
}

interface VehicleRow {
  id: number;
  unit_id: number;
  plate: string;
}

async function vehicleOf(db: Kysely<Database>, vehicleId: number | null): Promise<VehicleRow | undefined> {
  if (vehicleId === null) return undefined;
  return db.selectFrom('vehicles').select(['id', 'unit_id', 'plate']).where('id', '=', vehicleId).executeTakeFirst();
}

const sameId = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * Finds the signs of a terminal or SIM swap in what a terminal reported, before the registry is
 * updated with it. One sign is a terminal id or ICCID other than the one stored for this phone
 * (SIM card). The other is a terminal id that the registry has for another phone, which is
 * raised on both vehicles, because both units must explain it.
 */
export async function findSwaps(db: Kysely<Database>, terminal: RegisteredTerminal, reported: ReportedIdentity, now: number): Promise<AlertDraft[]> {
  const vehicle = await vehicleOf(db, terminal.vehicle_id);
  const drafts: AlertDraft[] = [];
  const base = { phone: terminal.phone, remoteAddress: reported.remoteAddress, messageId: `0x${reported.messageId.toString(16).padStart(4, '0')}` };

  const reportedId = reported.terminalId?.trim() ?? '';
  if (vehicle && reportedId && terminal.terminal_id && !sameId(terminal.terminal_id, reportedId)) {
    drafts.push(swapDraft(vehicle, `${terminal.id}:terminal_id:${terminal.terminal_id}:${reportedId}`, now, {
      ...base,
      kind: 'terminal_id_changed',
      storedTerminalId: terminal.terminal_id,
      reportedTerminalId: reportedId,
    }));
  }

  const reportedIccid = reported.iccid?.trim() ?? '';
  if (vehicle && reportedIccid && terminal.iccid && !sameId(terminal.iccid, reportedIccid)) {
    drafts.push(swapDraft(vehicle, `${terminal.id}:iccid:${terminal.iccid}:${reportedIccid}`, now, {
      ...base,
      kind: 'iccid_changed',
      storedIccid: terminal.iccid,
      reportedIccid,
    }));
  }

  if (reportedId) drafts.push(...(await otherPhoneDrafts(db, terminal, vehicle, reportedId, base, now)));
  return drafts;
}

async function otherPhoneDrafts(
  db: Kysely<Database>,
  terminal: RegisteredTerminal,
  vehicle: VehicleRow | undefined,
  reportedId: string,
  base: Record<string, string>,
  now: number,
): Promise<AlertDraft[]> {
  const others = await db
    .selectFrom('terminals')
    .select(['id', 'phone', 'vehicle_id'])
    .where('id', '!=', terminal.id)
    .where(sql<string>`upper(trim(terminal_id))`, '=', reportedId.toUpperCase())
    .execute();
  const drafts: AlertDraft[] = [];
  for (const other of others) {
    const otherVehicle = await vehicleOf(db, other.vehicle_id);
    const facts = {
      ...base,
      kind: 'terminal_id_on_other_phone',
      reportedTerminalId: reportedId,
      otherPhone: other.phone,
      otherPlate: otherVehicle?.plate ?? null,
      plate: vehicle?.plate ?? null,
    };
    // The key names both phones and no time, so every later registration of the pair merges into one alert.
    if (vehicle) drafts.push(swapDraft(vehicle, `${terminal.id}:moved_from:${other.id}:${reportedId}`, now, facts));
    if (otherVehicle && otherVehicle.id !== vehicle?.id) drafts.push(swapDraft(otherVehicle, `${other.id}:moved_to:${terminal.id}:${reportedId}`, now, facts));
  }
  return drafts;
}

function swapDraft(vehicle: VehicleRow, subject: string, now: number, facts: AlertDraft['facts']): AlertDraft {
  return integrityDraft({ code, vehicleId: vehicle.id, unitId: vehicle.unit_id, subject, start: now, end: now, severity: 'high', facts });
}

/**
 * Checks a registration or attributes report for a swap and stores and publishes what it finds.
 * A failure is logged with the terminal's ids and not thrown, because a failed check must not
 * stop the terminal's registration.
 */
export async function recordSwaps(
  deps: { db: Kysely<Database>; logger: Logger; alertHub?: AlertPublisher | undefined },
  terminalOrId: RegisteredTerminal | number,
  reported: ReportedIdentity,
  now: number,
): Promise<void> {
  let terminal: RegisteredTerminal | undefined = typeof terminalOrId === 'number' ? undefined : terminalOrId;
  try {
    terminal ??= await deps.db.selectFrom('terminals').select(['id', 'phone', 'vehicle_id', 'terminal_id', 'iccid']).where('id', '=', terminalOrId as number).executeTakeFirstOrThrow();
    const drafts = await enabledOnly(deps, await findSwaps(deps.db, terminal, reported, now));
    if (drafts.length === 0) return;
    // Named apart from the connection logger's phone and terminal bindings, which hold the header's phone.
    deps.logger.warn({ registryPhone: terminal.phone, terminalRecordId: terminal.id, reportedTerminalId: reported.terminalId, reportedIccid: reported.iccid, alerts: drafts.length }, 'terminal or SIM swap detected');
    await saveIntegrityAlerts(deps, drafts, now);
  } catch (error) {
    deps.logger.error({ err: error, registryPhone: terminal?.phone, terminalRecordId: terminal?.id ?? terminalOrId }, 'terminal swap check failed');
  }
}

/** Keeps the drafts of vehicles whose templates leave the swap check on. */
async function enabledOnly(deps: { db: Kysely<Database>; logger: Logger }, drafts: AlertDraft[]): Promise<AlertDraft[]> {
  if (drafts.length === 0) return drafts;
  const rules = await loadSweepRules(deps.db, deps.logger);
  const ids = [...new Set(drafts.map((draft) => draft.vehicleId))];
  const vehicles = await deps.db.selectFrom('vehicles').select(['id', 'unit_id', 'usage_nature']).where('id', 'in', ids).execute();
  const enabled = new Set(vehicles.filter((v) => rules.resolve({ id: v.id, unitId: v.unit_id, usageNature: v.usage_nature }).swap).map((v) => v.id));
  return drafts.filter((draft) => enabled.has(draft.vehicleId));
}
