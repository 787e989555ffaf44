import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError, conflict } from '../errors.ts';
import { computeAssignments, scopeVehicles, type Assignments } from './scope.ts';
import { findLetter } from './reply-letter.ts';
import { getRolloutSettings } from './settings.ts';
import { rolloutInstalledIds } from './coverage.ts';

/** The vehicles a unit should equip in a batch and those exempt: from its reply letter, or every vehicle in scope before the letter. */
export async function equipList(db: Kysely<Database>, assignments: Assignments, unitId: number, batchId: number): Promise<{ install: number[]; exempt: number[]; fromLetter: boolean }> {
  const letter = await findLetter(db, unitId, batchId);
  if (letter) return { install: letter.install.map((v) => v.vehicleId), exempt: letter.exempt.map((v) => v.vehicleId), fromLetter: true };
  return { install: scopeVehicles(assignments, unitId, batchId), exempt: [], fromLetter: false };
}

export interface ChecklistItem {
  vehicleId: number;
  plate: string;
  terminalBound: boolean;
  /** The work order passed its debugging check, or with no work order the terminal already sent a valid position. */
  debuggingPassed: boolean;
  onlineInWindow: boolean;
  validFixes: number;
  accChanged: boolean;
  passed: boolean;
}

export interface Checklist {
  unitId: number;
  batchId: number;
  windowDays: number;
  letterIssued: boolean;
  items: ChecklistItem[];
  passed: boolean;
}

async function checkVehicle(db: Kysely<Database>, vehicleId: number, since: number, installed: Set<number>): Promise<ChecklistItem> {
  const vehicle = await db.selectFrom('vehicles').select('plate').where('id', '=', vehicleId).executeTakeFirstOrThrow();
  const terminal = await db.selectFrom('terminals').select('id').where('vehicle_id', '=', vehicleId).executeTakeFirst();
  const stats = terminal
    ? await db
        .selectFrom('positions')
        .select((eb) => [eb.fn.countAll<number>().as('received'), eb.fn.sum<number | null>('valid').as('valid'), eb.fn.count<number>('acc').distinct().as('accValues')])
        .where('terminal_id', '=', terminal.id)
        .where('received_at', '>=', since)
        .executeTakeFirstOrThrow()
    : { received: 0, valid: 0, accValues: 0 };
  const item = {
    vehicleId,
    plate: vehicle.plate,
    terminalBound: terminal !== undefined,
    debuggingPassed: installed.has(vehicleId),
    onlineInWindow: Number(stats.received) > 0,
    validFixes: Number(stats.valid ?? 0),
    accChanged: Number(stats.accValues) >= 2,
  };
  return { ...item, passed: item.terminalBound && item.debuggingPassed && item.onlineInWindow && item.validFixes > 0 && item.accChanged };
}

/**
 * Computes a unit's acceptance checklist for a batch: every vehicle it should equip has a bound
 * terminal that passed debugging (through its work order, or before the rollout when the vehicle
 * needed none) and which, within the last N days (the acceptanceWindowDays setting), reported,
 * sent valid fixes and both ACC states.
 */
export async function acceptanceChecklist(db: Kysely<Database>, unitId: number, batchId: number, now = Date.now()): Promise<Checklist> {
  const { acceptanceWindowDays } = await getRolloutSettings(db);
  const list = await equipList(db, await computeAssignments(db), unitId, batchId);
  const since = now - acceptanceWindowDays * 24 * 3600_000;
  const installed = await rolloutInstalledIds(db, list.install);
  const items = [];
  for (const vehicleId of list.install) items.push(await checkVehicle(db, vehicleId, since, installed));
  return { unitId, batchId, windowDays: acceptanceWindowDays, letterIssued: list.fromLetter, items, passed: list.fromLetter && items.every((item) => item.passed) };
}

export const acceptanceInput = z.object({ unitId: z.number().int().positive(), batchId: z.number().int().positive(), remarks: z.string().trim().min(2).max(500) });

/** Signs a unit's acceptance for a batch; rejected with the failing vehicles unless the checklist passes. */
export async function signAcceptance(db: Kysely<Database>, input: z.infer<typeof acceptanceInput>, inspectorId: number): Promise<{ id: number; checklist: Checklist }> {
  const checklist = await acceptanceChecklist(db, input.unitId, input.batchId);
  if (!checklist.letterIssued) throw new AppError('GONGCHE_ERR_LETTER_MISSING', 409, `Unit ${input.unitId} has no reply letter for batch ${input.batchId}; acceptance checks the letter's install list`, { value: input.unitId });
  if (!checklist.passed) {
    const failing = checklist.items.filter((item) => !item.passed).map((item) => item.plate);
    throw new AppError('GONGCHE_ERR_ACCEPTANCE_INCOMPLETE', 409, `Acceptance needs every vehicle to pass the checklist; failing: ${failing.join(', ')}`, { value: failing, details: checklist.items });
  }
  const existing = await db.selectFrom('rollout_acceptances').select('id').where('unit_id', '=', input.unitId).where('batch_id', '=', input.batchId).executeTakeFirst();
  if (existing) throw conflict(`Unit ${input.unitId} was already accepted for batch ${input.batchId} (acceptance ${existing.id})`, input.unitId);
  const row = await db
    .insertInto('rollout_acceptances')
    .values({ unit_id: input.unitId, batch_id: input.batchId, checklist: JSON.stringify(checklist), remarks: input.remarks, inspector_id: inspectorId, signed_at: Date.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, checklist };
}
