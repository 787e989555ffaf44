import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors.ts';
import { isUniqueViolation } from '../store/sqlite-errors.ts';
import { loadLookups, orderProblems, type OrderLookups, type OrderScope } from './check.ts';
import { defaultPointRadiusM, type OrderInput, type OrderStatus, type OrderView } from './model.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Throws 400 listing every problem of the order, each with its field. */
function assertNoProblems(input: OrderInput, lookups: OrderLookups, scope: OrderScope): void {
  const problems = orderProblems(input, lookups, scope);
  if (problems.length === 0) return;
  const summary = problems.map((p) => `${p.field}${p.value === null ? '' : ` (${p.value})`}: ${p.reason}`).join('; ');
  throw invalid(`Invalid trip order: ${summary}`, problems[0]!.value, problems.map((p) => ({ path: `body.${p.field}`, message: p.reason, value: p.value })));
}

/** Inserts a checked order and its destinations; the unit is the vehicle's. */
export async function insertOrder(
  trx: Transaction<Database> | Kysely<Database>,
  input: OrderInput,
  unitId: number,
  meta: { status: OrderStatus; createdBy: number | null; decidedBy?: number | null; decisionComment?: string | null; now: number },
): Promise<number> {
  const order = await trx
    .insertInto('trip_orders')
    .values({
      unit_id: unitId,
      vehicle_id: input.vehicleId,
      driver_id: input.driverId,
      applicant: input.applicant.trim(),
      purpose: input.purpose.trim(),
      start_at: input.start,
      end_at: input.end,
      out_of_area: input.outOfArea ? 1 : 0,
      holiday_use: input.holidayUse ? 1 : 0,
      status: meta.status,
      decided_by: meta.decidedBy ?? null,
      decided_at: meta.status === 'pending' ? null : meta.now,
      decision_comment: meta.decisionComment ?? null,
      external_ref: input.externalRef,
      created_by: meta.createdBy,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rows = input.destinations.map((d, seq) =>
    'placeId' in d
      ? { order_id: order.id, seq, place_id: d.placeId, name: '', latitude: null, longitude: null, radius_m: null }
      : { order_id: order.id, seq, place_id: null, name: d.name.trim(), latitude: d.latitude, longitude: d.longitude, radius_m: d.radiusM ?? defaultPointRadiusM },
  );
  for (const row of rows) {
    // A place destination keeps the place's name at ordering time, so the order reads the same after a rename.
    if (row.place_id !== null) {
      const place = await trx.selectFrom('places').select('name').where('id', '=', row.place_id).executeTakeFirstOrThrow();
      row.name = place.name;
    }
  }
  if (rows.length > 0) await trx.insertInto('trip_order_destinations').values(rows).execute();
  return order.id;
}

/** Checks an order against the registry and the orderer's scope and stores it as pending. */
export async function createOrder(db: Kysely<Database>, input: OrderInput, options: { scope: OrderScope; userId: number | null; now?: number }): Promise<OrderView> {
  const lookups = await loadLookups(db, {
    vehicleIds: [input.vehicleId],
    driverIds: input.driverId === null ? [] : [input.driverId],
    placeIds: input.destinations.flatMap((d) => ('placeId' in d ? [d.placeId] : [])),
  });
  assertNoProblems(input, lookups, options.scope);
  const unitId = lookups.vehicles.get(input.vehicleId)!.unitId;
  const now = options.now ?? Date.now();
  try {
    const id = await db.transaction().execute((trx) => insertOrder(trx, input, unitId, { status: 'pending', createdBy: options.userId, now }));
    return getOrder(db, id);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`Trip order number ${input.externalRef} already exists in this unit; use another number`, input.externalRef);
    throw error;
  }
}

const orderColumns = [
  'o.id', 'o.unit_id', 'o.vehicle_id', 'v.plate', 'o.driver_id', 'd.name as driver_name', 'o.applicant', 'o.purpose', 'o.start_at', 'o.end_at',
  'o.out_of_area', 'o.holiday_use', 'o.status', 'o.decided_by', 'o.decided_at', 'o.decision_comment', 'o.external_ref', 'o.created_by', 'o.created_at', 'o.updated_at',
] as const;

function baseQuery(db: Kysely<Database>) {
  return db.selectFrom('trip_orders as o').innerJoin('vehicles as v', 'v.id', 'o.vehicle_id').leftJoin('drivers as d', 'd.id', 'o.driver_id').select(orderColumns);
}
type OrderRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

async function toViews(db: Kysely<Database>, rows: OrderRow[]): Promise<OrderView[]> {
  const ids = rows.map((r) => r.id);
  const destinations = ids.length === 0 ? [] : await db.selectFrom('trip_order_destinations').selectAll().where('order_id', 'in', ids).orderBy('order_id').orderBy('seq').execute();
  return rows.map((r) => ({
    id: r.id,
    unitId: r.unit_id,
    vehicleId: r.vehicle_id,
    plate: r.plate,
    driverId: r.driver_id,
    driverName: r.driver_name,
    applicant: r.applicant,
    purpose: r.purpose,
    start: iso(r.start_at)!,
    end: iso(r.end_at)!,
    outOfArea: r.out_of_area === 1,
    holidayUse: r.holiday_use === 1,
    status: r.status as OrderStatus,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    decisionComment: r.decision_comment,
    externalRef: r.external_ref,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    destinations: destinations
      .filter((d) => d.order_id === r.id)
      .map((d) => ({ seq: d.seq, placeId: d.place_id, name: d.name, latitude: d.latitude, longitude: d.longitude, radiusM: d.radius_m })),
  }));
}

export async function getOrder(db: Kysely<Database>, id: number): Promise<OrderView> {
  const row = await baseQuery(db).where('o.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Trip order', id);
  return (await toViews(db, [row]))[0]!;
}

export interface OrderFilter {
  scopeUnitIds: readonly number[] | undefined;
  unitId?: number | undefined;
  vehicleId?: number | undefined;
  status?: OrderStatus | undefined;
  /** Only orders whose window overlaps [from, to]. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  offset: number;
}

/** Lists orders newest start first. */
export async function listOrders(db: Kysely<Database>, filter: OrderFilter): Promise<{ items: OrderView[]; total: number }> {
  let query = baseQuery(db);
  if (filter.scopeUnitIds) query = query.where('o.unit_id', 'in', filter.scopeUnitIds.length > 0 ? [...filter.scopeUnitIds] : [-1]);
  if (filter.unitId !== undefined) query = query.where('o.unit_id', '=', filter.unitId);
  if (filter.vehicleId !== undefined) query = query.where('o.vehicle_id', '=', filter.vehicleId);
  if (filter.status) query = query.where('o.status', '=', filter.status);
  if (filter.from !== undefined) query = query.where('o.end_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('o.start_at', '<=', filter.to);
  const { total } = await query.clearSelect().select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await query.orderBy('o.start_at', 'desc').orderBy('o.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  return { items: await toViews(db, rows), total: Number(total) };
}

export type OrderDecision = 'approve' | 'reject' | 'cancel';

const transitions: Record<OrderDecision, { from: OrderStatus[]; to: OrderStatus }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  cancel: { from: ['pending', 'approved'], to: 'cancelled' },
};

/**
 * Moves an order to approved, rejected or cancelled, recording who, when and why. Nobody may
 * approve an order they created themselves. The update matches the expected status, so of two
 * decisions made at once only the first one counts.
 */
export async function decideOrder(
  db: Kysely<Database>,
  id: number,
  decision: OrderDecision,
  actor: { userId: number; comment: string | null },
  now = Date.now(),
): Promise<OrderView> {
  const order = await getOrder(db, id);
  const { from, to } = transitions[decision];
  if (!from.includes(order.status)) {
    throw conflict(`Trip order ${id} is ${order.status}; only ${from.join(' or ')} orders can be ${to}`, order.status);
  }
  if (decision === 'approve' && order.createdBy === actor.userId) {
    throw forbidden(`Trip order ${id} was created by you; another approver must approve it`);
  }
  if (decision !== 'approve' && !actor.comment?.trim()) {
    throw invalid(`A reason is required to ${decision} trip order ${id}`, actor.comment, [{ path: 'body.reason', message: 'required' }]);
  }
  const result = await db
    .updateTable('trip_orders')
    .set({ status: to, decided_by: actor.userId, decided_at: now, decision_comment: actor.comment?.trim() || null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', order.status)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new AppError('GONGCHE_ERR_CONFLICT', 409, `Trip order ${id} changed meanwhile; reload it and try again`, { value: id });
  return getOrder(db, id);
}
