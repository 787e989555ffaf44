import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { ruleCatalogue, type RuleCode } from '../rules/rule-codes.ts';
import type { NotReproducedDetail } from './withdrawal.ts';

/** Review states, as stored. */
export const alertStates = ['pending', 'explained', 'confirmed', 'dismissed', 'rectified'] as const;
export type AlertState = (typeof alertStates)[number];
/**
 * States the API shows and filters by: the review states, and withdrawn for a pending alert that a
 * rules replay no longer reproduced (stored as alerts.withdrawn_at, the review state staying pending).
 */
export const listedStates = [...alertStates, 'withdrawn'] as const;
export const severities = ['low', 'medium', 'high'] as const;

/** An alert as the API and the WebSocket feed show it. */
export interface AlertView {
  id: number;
  key: string;
  rule: string;
  ruleName: { zh: string; en: string };
  /** Item of the negative list (1 to 9), null for device integrity checks. */
  negativeListItem: number | null;
  vehicleId: number;
  plate: string;
  unitId: number;
  unitName: string;
  terminalId: number | null;
  start: string;
  end: string;
  severity: string;
  /** The review state, or withdrawn. */
  state: string;
  late: boolean;
  /** Set while a rules replay no longer reproduces the alert: why, and with which settings. */
  notReproduced: (NotReproducedDetail & { at: string }) | null;
  withdrawnAt: string | null;
  facts: Record<string, unknown>;
  evidence: {
    positionRange: { from: string; to: string };
    positionIds: number[];
    rawFrameIds: number[];
    placeId: number | null;
    tripOrderId: number | null;
    orderAbsent: boolean;
    tripId: number | null;
  };
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Returns the names of a rule code; a code the catalogue no longer lists shows itself. */
export function ruleNames(rule: string): { zh: string; en: string; item: number | null } {
  if (!Object.hasOwn(ruleCatalogue, rule)) return { zh: rule, en: rule, item: null };
  const entry = ruleCatalogue[rule as RuleCode];
  return { zh: entry.zh, en: entry.en, item: entry.item };
}

/** Selects alerts with their vehicle's plate and their unit's name. */
export function alertQuery(db: Kysely<Database>) {
  return db
    .selectFrom('alerts as a')
    .innerJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .innerJoin('units as u', 'u.id', 'a.unit_id')
    .selectAll('a')
    .select(['v.plate', 'u.name as unit_name']);
}

export type AlertRow = Awaited<ReturnType<ReturnType<typeof alertQuery>['execute']>>[number];

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const unknownReplay: NotReproducedDetail = { reason: 'replay_not_reproduced', settingsRevision: '', replayFrom: '', replayTo: '', replayedAt: '' };

export function toAlertView(row: AlertRow): AlertView {
  const names = ruleNames(row.rule);
  return {
    id: row.id,
    key: row.key,
    rule: row.rule,
    ruleName: { zh: names.zh, en: names.en },
    negativeListItem: names.item,
    vehicleId: row.vehicle_id,
    plate: row.plate,
    unitId: row.unit_id,
    unitName: row.unit_name,
    terminalId: row.terminal_id,
    start: iso(row.start_at),
    end: iso(row.end_at),
    severity: row.severity,
    state: row.withdrawn_at === null ? row.state : 'withdrawn',
    late: row.late === 1,
    notReproduced: row.not_reproduced_at === null ? null : { ...parseJson<NotReproducedDetail>(row.not_reproduced ?? '{}', unknownReplay), at: iso(row.not_reproduced_at) },
    withdrawnAt: row.withdrawn_at === null ? null : iso(row.withdrawn_at),
    facts: parseJson<Record<string, unknown>>(row.facts, {}),
    evidence: {
      positionRange: { from: iso(row.evidence_from), to: iso(row.evidence_to) },
      positionIds: parseJson<number[]>(row.position_ids, []),
      rawFrameIds: parseJson<number[]>(row.raw_frame_ids, []),
      placeId: row.place_id,
      tripOrderId: row.trip_order_id,
      orderAbsent: row.order_absent === 1,
      tripId: row.trip_id,
    },
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export async function findAlert(db: Kysely<Database>, id: number): Promise<AlertView | undefined> {
  const row = await alertQuery(db).where('a.id', '=', id).executeTakeFirst();
  return row && toAlertView(row);
}
