import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/db.ts';
import { AppError, notFound } from '../errors.ts';
import { terminalInput } from '../registry/schemas.ts';
import { createTerminal, updateTerminal } from '../registry/terminals.ts';
import { phoneKey } from '../registry/phone.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { dateSchema } from './batches.ts';
import { findLetter } from './reply-letter.ts';

export const workOrdersCreate = z.object({ unitId: z.number().int().positive(), batchId: z.number().int().positive(), plannedDate: dateSchema });

/** The terminal an installer binds to a work order's vehicle. */
export const terminalBinding = terminalInput.pick({ phone: true, terminalId: true, imei: true, iccid: true, manufacturerId: true, terminalModel: true }).required({ terminalId: true, imei: true, iccid: true, manufacturerId: true, terminalModel: true });
export type TerminalBinding = z.infer<typeof terminalBinding>;

/** The debugging check: what the gateway has recorded of the bound terminal since it was bound. */
export interface DebugCheck {
  bound: boolean;
  registered: boolean;
  authenticated: boolean;
  validPosition: boolean;
  /** What is still missing, in the order the installer fixes it. */
  missing: string[];
  /** Receipt time of the first valid position after binding: when the check passed. */
  passedAt: string | null;
}

export interface WorkOrder {
  id: number;
  unitId: number;
  unitName: string;
  batchId: number;
  vehicleId: number;
  plate: string;
  plannedDate: string;
  state: string;
  terminal: { id: number; phone: string; terminalId: string | null; imei: string | null; iccid: string | null; manufacturerId: string | null; terminalModel: string | null; lastSeenAt: string | null } | null;
  boundAt: string | null;
  completedAt: string | null;
  check: DebugCheck;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A vehicle on the install list that got no work order because a terminal is already bound to it. */
export interface AlreadyInstalled {
  vehicleId: number;
  plate: string;
  terminal: { id: number; phone: string };
}

export interface WorkOrdersCreated {
  /** Ids of the new work orders. */
  created: number[];
  /** Vehicles skipped because a terminal is already bound to them, since an installer could not bind a second one. */
  alreadyInstalled: AlreadyInstalled[];
  /** Ids of vehicles skipped because they already have a work order. */
  alreadyOrdered: number[];
}

/**
 * Creates an open work order for every vehicle on the unit's reply letter install list that has
 * neither a work order nor a bound terminal, and reports the vehicles it skipped.
 */
export async function createWorkOrders(db: Kysely<Database>, input: z.infer<typeof workOrdersCreate>, userId: number | null): Promise<WorkOrdersCreated> {
  const letter = await findLetter(db, input.unitId, input.batchId);
  if (!letter) throw new AppError('GONGCHE_ERR_LETTER_MISSING', 409, `Unit ${input.unitId} has no reply letter for batch ${input.batchId}; work orders follow the letter's install list`, { value: input.unitId });
  const now = Date.now();
  const result: WorkOrdersCreated = { created: [], alreadyInstalled: [], alreadyOrdered: [] };
  for (const vehicle of letter.install) {
    const existing = await db.selectFrom('rollout_work_orders').select('id').where('vehicle_id', '=', vehicle.vehicleId).executeTakeFirst();
    if (existing) {
      result.alreadyOrdered.push(vehicle.vehicleId);
      continue;
    }
    const terminal = await db.selectFrom('terminals').select(['id', 'phone']).where('vehicle_id', '=', vehicle.vehicleId).executeTakeFirst();
    if (terminal) {
      result.alreadyInstalled.push({ vehicleId: vehicle.vehicleId, plate: vehicle.plate, terminal });
      continue;
    }
    const row = await db
      .insertInto('rollout_work_orders')
      .values({ unit_id: input.unitId, batch_id: input.batchId, vehicle_id: vehicle.vehicleId, planned_date: input.plannedDate, state: 'open', created_by: userId, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    result.created.push(row.id);
  }
  return result;
}

async function orderRow(db: Kysely<Database>, id: number) {
  const row = await db.selectFrom('rollout_work_orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Work order', id);
  return row;
}

/**
 * Binds a terminal to the work order's vehicle: the registry's terminal with that phone when it
 * exists and is free, a new one otherwise. The debugging check counts from this moment.
 */
export async function bindTerminal(db: Kysely<Database>, orderId: number, binding: TerminalBinding): Promise<void> {
  const order = await orderRow(db, orderId);
  if (order.state !== 'open') throw new AppError('GONGCHE_ERR_WORK_ORDER_STATE', 409, `Work order ${orderId} is ${order.state}; only an open work order takes a terminal`, { value: order.state });
  const existing = await db.selectFrom('terminals').select(['id', 'vehicle_id']).where('phone_key', '=', phoneKey(binding.phone)).executeTakeFirst();
  if (existing && existing.vehicle_id !== null && existing.vehicle_id !== order.vehicle_id) {
    const other = await db.selectFrom('vehicles').select('plate').where('id', '=', existing.vehicle_id).executeTakeFirst();
    throw new AppError('GONGCHE_ERR_TERMINAL_BOUND_ELSEWHERE', 409, `Terminal ${binding.phone} is bound to vehicle ${other?.plate ?? existing.vehicle_id}; check the SIM number, or have the bureau unbind that terminal first`, {
      value: binding.phone,
      details: { terminalId: existing.id, vehicleId: existing.vehicle_id, plate: other?.plate ?? null },
    });
  }
  // A vehicle has at most one terminal, so a different one bound since the order was created blocks the binding.
  const current = await db.selectFrom('terminals').select(['id', 'phone']).where('vehicle_id', '=', order.vehicle_id).executeTakeFirst();
  if (current && current.id !== existing?.id) {
    const vehicle = await db.selectFrom('vehicles').select('plate').where('id', '=', order.vehicle_id).executeTakeFirstOrThrow();
    throw new AppError('GONGCHE_ERR_VEHICLE_HAS_TERMINAL', 409, `Vehicle ${vehicle.plate} already has terminal ${current.phone} (id ${current.id}); the bureau must unbind it before this work order can bind another`, {
      value: current.phone,
      details: { terminalId: current.id, vehicleId: order.vehicle_id, plate: vehicle.plate },
    });
  }
  const fields = { ...binding, vehicleId: order.vehicle_id };
  const terminal = existing ? await updateTerminal(db, existing.id, fields) : await createTerminal(db, { ...fields, legacyAuthCode: null });
  const now = Date.now();
  await db.updateTable('rollout_work_orders').set({ terminal_id: terminal.id, bound_at: now, updated_at: now }).where('id', '=', orderId).execute();
}

async function debugCheck(db: Kysely<Database>, order: { terminal_id: number | null; bound_at: number | null }): Promise<DebugCheck> {
  if (order.terminal_id === null || order.bound_at === null) {
    return { bound: false, registered: false, authenticated: false, validPosition: false, missing: ['terminal not bound'], passedAt: null };
  }
  const terminal = await db.selectFrom('terminals').select(['registered_at', 'authenticated_at']).where('id', '=', order.terminal_id).executeTakeFirstOrThrow();
  const first = await db
    .selectFrom('positions')
    .select((eb) => eb.fn.min<number | null>('received_at').as('at'))
    .where('terminal_id', '=', order.terminal_id)
    .where('valid', '=', 1)
    .where('received_at', '>=', order.bound_at)
    .executeTakeFirst();
  const registered = terminal.registered_at !== null;
  const authenticated = terminal.authenticated_at !== null && terminal.authenticated_at >= order.bound_at;
  const validPosition = (first?.at ?? null) !== null;
  const missing = [
    ...(registered ? [] : ['terminal has not registered (0x0100)']),
    ...(authenticated ? [] : ['terminal has not authenticated (0x0102) since it was bound']),
    ...(validPosition ? [] : ['no valid position received since the terminal was bound']),
  ];
  const passed = missing.length === 0;
  return { bound: true, registered, authenticated, validPosition, missing, passedAt: passed ? iso(first!.at) : null };
}

/**
 * Completes every open work order whose debugging check now passes, with the check's pass time,
 * and records work_order.completed for each. Returns the completed ids.
 */
export async function completePassedWorkOrders(store: Store, filter: { unitId?: number } = {}): Promise<number[]> {
  let query = store.db.selectFrom('rollout_work_orders').select(['id', 'terminal_id', 'bound_at', 'vehicle_id']).where('state', '=', 'open').where('terminal_id', 'is not', null);
  if (filter.unitId !== undefined) query = query.where('unit_id', '=', filter.unitId);
  const completed: number[] = [];
  for (const order of await query.execute()) {
    const check = await debugCheck(store.db, order);
    if (check.passedAt === null) continue;
    const at = Date.parse(check.passedAt);
    await store.db.updateTable('rollout_work_orders').set({ state: 'completed', completed_at: at, updated_at: Date.now() }).where('id', '=', order.id).where('state', '=', 'open').execute();
    appendAudit(store, { actor: 'system', action: AUDIT_ACTIONS.workOrderCompleted, objectType: 'work_order', objectId: order.id, detail: { vehicleId: order.vehicle_id, terminalId: order.terminal_id, passedAt: check.passedAt } });
    completed.push(order.id);
  }
  return completed;
}

export async function getWorkOrder(db: Kysely<Database>, id: number): Promise<WorkOrder> {
  const row = await orderRow(db, id);
  const unit = await db.selectFrom('units').select('name').where('id', '=', row.unit_id).executeTakeFirstOrThrow();
  const vehicle = await db.selectFrom('vehicles').select('plate').where('id', '=', row.vehicle_id).executeTakeFirstOrThrow();
  const terminal = row.terminal_id === null ? undefined : await db.selectFrom('terminals').selectAll().where('id', '=', row.terminal_id).executeTakeFirst();
  return {
    id: row.id,
    unitId: row.unit_id,
    unitName: unit.name,
    batchId: row.batch_id,
    vehicleId: row.vehicle_id,
    plate: vehicle.plate,
    plannedDate: row.planned_date,
    state: row.state,
    terminal: terminal
      ? { id: terminal.id, phone: terminal.phone, terminalId: terminal.terminal_id, imei: terminal.imei, iccid: terminal.iccid, manufacturerId: terminal.manufacturer_id, terminalModel: terminal.terminal_model, lastSeenAt: iso(terminal.last_seen_at) }
      : null,
    boundAt: iso(row.bound_at),
    completedAt: iso(row.completed_at),
    check: await debugCheck(db, row),
  };
}

export async function listWorkOrders(db: Kysely<Database>, filter: { unitIds?: readonly number[]; batchId?: number }): Promise<WorkOrder[]> {
  let query = db.selectFrom('rollout_work_orders').select('id').orderBy('id');
  if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
  if (filter.unitIds !== undefined) query = query.where('unit_id', 'in', filter.unitIds.length > 0 ? [...filter.unitIds] : [-1]);
  return Promise.all((await query.execute()).map((row) => getWorkOrder(db, row.id)));
}
