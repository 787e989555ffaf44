import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { DutyRosterTable } from '../store/schema-rule-facts.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { isCalendarDate } from '../rules/calendar.ts';

/** Most dates one request may cover: a quarter's duty roster. */
export const maxRosterDays = 92;

export interface DutyRosterView {
  id: number;
  vehicleId: number;
  plate: string;
  unitId: number;
  date: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: number | null;
  decidedBy: number | null;
  decidedAt: string | null;
  createdAt: string;
}

type Row = Selectable<DutyRosterTable> & { plate: string; unit_id: number };

function toView(row: Row): DutyRosterView {
  return {
    id: row.id,
    vehicleId: row.vehicle_id,
    plate: row.plate,
    unitId: row.unit_id,
    date: row.date,
    reason: row.reason,
    status: row.status as DutyRosterView['status'],
    requestedBy: row.requested_by,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const base = (db: Kysely<Database>) => db.selectFrom('duty_rosters as r').innerJoin('vehicles as v', 'v.id', 'r.vehicle_id').selectAll('r').select(['v.plate', 'v.unit_id']);

export async function getRosterEntry(db: Kysely<Database>, id: number): Promise<DutyRosterView> {
  const row = await base(db).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Duty roster entry', id);
  return toView(row);
}

/** Lists every date from `from` to `to` inclusive (YYYY-MM-DD); throws on bad or reversed dates and on more than maxRosterDays. */
export function datesBetween(from: string, to: string): string[] {
  for (const date of [from, to]) if (!isCalendarDate(date)) throw invalid(`Invalid date ${date}: expected YYYY-MM-DD`, date);
  if (to < from) throw invalid(`Invalid date range ${from}..${to}: the last date is before the first`, { from, to });
  const dates: string[] = [];
  for (let day = Date.parse(`${from}T00:00:00Z`); ; day += 86_400_000) {
    const date = new Date(day).toISOString().slice(0, 10);
    if (date > to) break;
    dates.push(date);
    if (dates.length > maxRosterDays) throw invalid(`The range ${from}..${to} has more than ${maxRosterDays} days; request at most ${maxRosterDays} at a time`, { from, to });
  }
  return dates;
}

/** Requests duty for a vehicle on each date; fails whole when any date already has an entry. */
export async function requestDuty(db: Kysely<Database>, input: { vehicleId: number; dates: string[]; reason: string; userId: number | null }, now = Date.now()): Promise<DutyRosterView[]> {
  const reason = input.reason.trim();
  if (reason === '') throw invalid('Missing reason: say why the vehicle is on duty, e.g. 春节值班', input.reason);
  const taken = await db.selectFrom('duty_rosters').select(['date', 'status']).where('vehicle_id', '=', input.vehicleId).where('date', 'in', input.dates).orderBy('date').execute();
  if (taken.length > 0) {
    throw conflict(`The vehicle already has duty roster entries on ${taken.map((t) => `${t.date} (${t.status})`).join(', ')}; delete or leave out those dates`, taken.map((t) => t.date));
  }
  const ids = await db.transaction().execute(async (trx) => {
    const created: number[] = [];
    for (const date of input.dates) {
      const row = await trx
        .insertInto('duty_rosters')
        .values({ vehicle_id: input.vehicleId, date, reason, status: 'pending', requested_by: input.userId, decided_by: null, decided_at: null, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      created.push(row.id);
    }
    return created;
  });
  return (await base(db).where('r.id', 'in', ids).orderBy('r.date').execute()).map(toView);
}

/** Approves or rejects a pending entry. */
export async function decideDuty(db: Kysely<Database>, id: number, status: 'approved' | 'rejected', userId: number, now = Date.now()): Promise<DutyRosterView> {
  const entry = await getRosterEntry(db, id);
  if (entry.status !== 'pending') throw conflict(`Duty roster entry ${id} is already ${entry.status}`, entry.status);
  await db.updateTable('duty_rosters').set({ status, decided_by: userId, decided_at: now }).where('id', '=', id).where('status', '=', 'pending').execute();
  return getRosterEntry(db, id);
}

export async function deleteDuty(db: Kysely<Database>, id: number): Promise<DutyRosterView> {
  const entry = await getRosterEntry(db, id);
  await db.deleteFrom('duty_rosters').where('id', '=', id).execute();
  return entry;
}

export interface RosterFilter {
  scopeUnitIds: readonly number[] | undefined;
  vehicleId?: number | undefined;
  status?: DutyRosterView['status'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export async function listDuty(db: Kysely<Database>, filter: RosterFilter): Promise<DutyRosterView[]> {
  let query = base(db);
  if (filter.scopeUnitIds) query = query.where('v.unit_id', 'in', filter.scopeUnitIds.length > 0 ? [...filter.scopeUnitIds] : [-1]);
  if (filter.vehicleId !== undefined) query = query.where('r.vehicle_id', '=', filter.vehicleId);
  if (filter.status) query = query.where('r.status', '=', filter.status);
  if (filter.from) query = query.where('r.date', '>=', filter.from);
  if (filter.to) query = query.where('r.date', '<=', filter.to);
  return (await query.orderBy('r.date').orderBy('r.vehicle_id').limit(5000).execute()).map(toView);
}
