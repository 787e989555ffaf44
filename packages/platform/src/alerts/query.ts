import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { alertStates, ruleNames, toAlertView, type AlertView } from './view.ts';

/** Filters of the alert list and counts; every field narrows the result. */
export interface AlertFilter {
  /** The units of the user's scope; undefined for every unit. */
  scopeUnitIds?: readonly number[] | undefined;
  unitId?: number | undefined;
  vehicleId?: number | undefined;
  rules?: readonly string[] | undefined;
  /** Review states and withdrawn (src/alerts/view.ts listedStates). Unset: every state but withdrawn. */
  states?: readonly string[] | undefined;
  severities?: readonly string[] | undefined;
  /** Alerts whose span overlaps [from, to). */
  from?: number | undefined;
  to?: number | undefined;
  late?: boolean | undefined;
  /** Filter on replay results: true keeps only alerts that a rules replay no longer reproduced (withdrawn or flagged), and false keeps only the others. */
  notReproduced?: boolean | undefined;
}

function alertsFrom(db: Kysely<Database>) {
  return db.selectFrom('alerts as a');
}

/** Selects the alerts that match the filter; callers add joins, columns and order. */
function filteredAlerts(db: Kysely<Database>, filter: AlertFilter) {
  let query = alertsFrom(db);
  if (filter.scopeUnitIds !== undefined) query = query.where('a.unit_id', 'in', filter.scopeUnitIds.length > 0 ? [...filter.scopeUnitIds] : [-1]);
  if (filter.unitId !== undefined) query = query.where('a.unit_id', '=', filter.unitId);
  if (filter.vehicleId !== undefined) query = query.where('a.vehicle_id', '=', filter.vehicleId);
  if (filter.rules?.length) query = query.where('a.rule', 'in', [...filter.rules]);
  query = query.where((eb) => {
    const states = filter.states?.length ? filter.states : alertStates;
    const reviewStates = states.filter((state) => state !== 'withdrawn');
    const either = [];
    if (reviewStates.length > 0) either.push(eb.and([eb('a.state', 'in', reviewStates), eb('a.withdrawn_at', 'is', null)]));
    if (states.includes('withdrawn')) either.push(eb('a.withdrawn_at', 'is not', null));
    return eb.or(either);
  });
  if (filter.severities?.length) query = query.where('a.severity', 'in', [...filter.severities]);
  if (filter.to !== undefined) query = query.where('a.start_at', '<', filter.to);
  if (filter.from !== undefined) query = query.where('a.end_at', '>=', filter.from);
  if (filter.late !== undefined) query = query.where('a.late', '=', filter.late ? 1 : 0);
  if (filter.notReproduced !== undefined) query = query.where('a.not_reproduced_at', filter.notReproduced ? 'is not' : 'is', null);
  return query;
}

/** Lists alerts, newest start first, with the number of all that match. */
export async function listAlerts(db: Kysely<Database>, filter: AlertFilter, page: { limit: number; offset: number }): Promise<{ items: AlertView[]; total: number }> {
  const rows = await filteredAlerts(db, filter)
    .innerJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .selectAll('a')
    .select(['v.plate', 'u.name as unit_name'])
    .orderBy('a.start_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = await filteredAlerts(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { items: rows.map(toAlertView), total: Number(total.n) };
}

export interface AlertCounts {
  total: number;
  byRule: { rule: string; ruleName: { zh: string; en: string }; negativeListItem: number | null; count: number }[];
  byUnit: { unitId: number; unitName: string; count: number }[];
  byState: { state: string; count: number }[];
}

/** Counts the matching alerts by rule, by unit and by state (withdrawn counted as a state), for the dashboard. */
export async function countAlerts(db: Kysely<Database>, filter: AlertFilter): Promise<AlertCounts> {
  const byRule = await filteredAlerts(db, filter)
    .select('a.rule')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy('a.rule')
    .execute();
  const byUnit = await filteredAlerts(db, filter)
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .select(['a.unit_id', 'u.name as unit_name'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(['a.unit_id', 'u.name'])
    .execute();
  const listedState = sql<string>`case when a.withdrawn_at is null then a.state else 'withdrawn' end`;
  const byState = await filteredAlerts(db, filter)
    .select(listedState.as('state'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .groupBy(listedState)
    .execute();

  const sortByCount = <T extends { count: number }>(items: T[]) => items.sort((x, y) => y.count - x.count);
  return {
    total: byState.reduce((sum, row) => sum + Number(row.n), 0),
    byRule: sortByCount(
      byRule.map((row) => {
        const names = ruleNames(row.rule);
        return { rule: row.rule, ruleName: { zh: names.zh, en: names.en }, negativeListItem: names.item, count: Number(row.n) };
      }),
    ),
    byUnit: sortByCount(byUnit.map((row) => ({ unitId: row.unit_id, unitName: row.unit_name, count: Number(row.n) }))),
    byState: sortByCount(byState.map((row) => ({ state: row.state, count: Number(row.n) }))),
  };
}
