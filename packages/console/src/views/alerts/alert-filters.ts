import { ref } from 'vue';
import { alertStates, type AlertState, type Severity } from './alert-types.ts';
import { toBeijingIso } from '../../utils/time.ts';

export interface AlertFilters {
  unitId: number | null;
  vehicleId: number | null;
  rules: string[];
  states: AlertState[];
  severities: Severity[];
  span: [Date, Date] | null;
  late: 'all' | 'true' | 'false';
}

/** The alert list's filters and page, kept while the user opens an alert and comes back. */
export const alertFilters = ref<AlertFilters>({ unitId: null, vehicleId: null, rules: [], states: [], severities: [], span: null, late: 'all' });
export const alertPage = ref({ page: 1, size: 20 });

/**
 * Builds the query of GET /api/alerts and /api/alerts/counts. `withoutState` requests every state,
 * withdrawn included, for the counts by state. With no state chosen, the list leaves withdrawn
 * alerts out, as the server does.
 */
export function alertQuery(filters: AlertFilters, withoutState = false): Record<string, string | number | undefined> {
  const join = (list: readonly string[]) => (list.length > 0 ? list.join(',') : undefined);
  return {
    unitId: filters.unitId ?? undefined,
    vehicleId: filters.vehicleId ?? undefined,
    rule: join(filters.rules),
    state: withoutState ? alertStates.join(',') : join(filters.states),
    severity: join(filters.severities),
    from: filters.span ? toBeijingIso(filters.span[0]) : undefined,
    to: filters.span ? toBeijingIso(filters.span[1]) : undefined,
    late: filters.late === 'all' ? undefined : filters.late,
  };
}
