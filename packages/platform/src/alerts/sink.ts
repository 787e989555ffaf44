import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { AlertTable } from '../store/schema-alerts.ts';
import type { AlertDraft, Severity } from '../rules/engine/types.ts';
import { ruleCatalogue } from '../rules/rule-codes.ts';
import { AppError, invalid } from '../errors.ts';

/** At most this many position ids are kept per alert; the range names the rest. */
export const maxPositionIds = 200;
/** At most this many raw frame ids are kept per alert. */
export const maxRawFrameIds = 50;

const severityRank: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/** Review states that end a review. A merge never reopens them. */
export const closedStates = ['confirmed', 'dismissed', 'rectified'] as const;

/**
 * Unions two id lists, sorted and without duplicates. Over the cap, keeps the first and last
 * ids and an even spread between them, so the sample still covers the whole span.
 */
export function unionCapped(a: readonly number[], b: readonly number[], cap: number): number[] {
  const all = [...new Set([...a, ...b])].sort((x, y) => x - y);
  if (all.length <= cap) return all;
  if (cap <= 1) return all.slice(0, cap);
  const out: number[] = [];
  for (let i = 0; i < cap; i++) out.push(all[Math.round((i * (all.length - 1)) / (cap - 1))]!);
  return out;
}

function checkDraft(draft: AlertDraft): void {
  const problem = (field: string, message: string, value: unknown) => invalid(`Alert draft ${draft.key}: ${message}`, value, [{ path: field, message }]);
  if (typeof draft.key !== 'string' || draft.key.length === 0 || draft.key.length > 200) throw problem('key', 'the key must be 1 to 200 characters', draft.key);
  if (!Object.hasOwn(ruleCatalogue, draft.rule)) throw problem('rule', `unknown rule code ${String(draft.rule)}`, draft.rule);
  if (!Object.hasOwn(severityRank, draft.severity)) throw problem('severity', 'severity must be low, medium or high', draft.severity);
  for (const field of ['start', 'end'] as const) {
    if (!Number.isSafeInteger(draft[field])) throw problem(field, `${field} must be an instant in integer milliseconds`, draft[field]);
  }
  if (draft.end < draft.start) throw problem('end', `end ${draft.end} lies before start ${draft.start}`, draft.end);
  const range = draft.evidence.positionRange;
  if (range.vehicleId !== draft.vehicleId) throw problem('evidence.positionRange.vehicleId', `the evidence names vehicle ${range.vehicleId}, the alert vehicle ${draft.vehicleId}`, range.vehicleId);
  if (range.to < range.from) throw problem('evidence.positionRange.to', `the evidence range ends (${range.to}) before it starts (${range.from})`, range.to);
}

/** Facts as stored: a JSON object of scalars. */
function parseFacts(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parseIds(text: string): number[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((id): id is number => Number.isSafeInteger(id)) : [];
}

async function evidenceTerminal(trx: Transaction<Database>, draft: AlertDraft): Promise<number | null> {
  const positionId = draft.evidence.positionIds[0];
  if (positionId !== undefined) {
    const row = await trx.selectFrom('positions').select('terminal_id').where('id', '=', positionId).executeTakeFirst();
    if (row) return row.terminal_id;
  }
  const bound = await trx.selectFrom('terminals').select('id').where('vehicle_id', '=', draft.vehicleId).orderBy('id').executeTakeFirst();
  return bound?.id ?? null;
}

async function insertAlert(trx: Transaction<Database>, draft: AlertDraft, now: number): Promise<number> {
  const evidence = draft.evidence;
  const row = await trx
    .insertInto('alerts')
    .values({
      key: draft.key,
      rule: draft.rule,
      vehicle_id: draft.vehicleId,
      unit_id: draft.unitId,
      terminal_id: await evidenceTerminal(trx, draft),
      start_at: draft.start,
      end_at: draft.end,
      severity: draft.severity,
      state: 'pending',
      late: draft.late ? 1 : 0,
      facts: JSON.stringify(draft.facts),
      evidence_from: evidence.positionRange.from,
      evidence_to: evidence.positionRange.to,
      position_ids: JSON.stringify(unionCapped([], evidence.positionIds, maxPositionIds)),
      raw_frame_ids: JSON.stringify(unionCapped([], evidence.rawFrameIds, maxRawFrameIds)),
      place_id: evidence.placeId,
      trip_order_id: evidence.tripOrderId,
      order_absent: evidence.tripOrderId === null && evidence.orderAbsent ? 1 : 0,
      trip_id: evidence.tripId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Computes the columns of a stored alert after merging a draft into it. The span and evidence
 * range extend, id samples unite (capped) and facts take the newer values. Severity keeps the
 * higher one, and a known place, order or trip stays. The review state is left out.
 */
export function mergedColumns(existing: Selectable<AlertTable>, draft: AlertDraft, now: number) {
  const evidence = draft.evidence;
  const tripOrderId = evidence.tripOrderId ?? existing.trip_order_id;
  const severity = severityRank[draft.severity] > severityRank[existing.severity as Severity] ? draft.severity : existing.severity;
  return {
    start_at: Math.min(existing.start_at, draft.start),
    end_at: Math.max(existing.end_at, draft.end),
    severity,
    late: existing.late === 1 || draft.late ? 1 : 0,
    facts: JSON.stringify({ ...parseFacts(existing.facts), ...draft.facts }),
    evidence_from: Math.min(existing.evidence_from, evidence.positionRange.from),
    evidence_to: Math.max(existing.evidence_to, evidence.positionRange.to),
    position_ids: JSON.stringify(unionCapped(parseIds(existing.position_ids), evidence.positionIds, maxPositionIds)),
    raw_frame_ids: JSON.stringify(unionCapped(parseIds(existing.raw_frame_ids), evidence.rawFrameIds, maxRawFrameIds)),
    place_id: evidence.placeId ?? existing.place_id,
    trip_order_id: tripOrderId,
    order_absent: tripOrderId === null && (existing.order_absent === 1 || evidence.orderAbsent) ? 1 : 0,
    trip_id: evidence.tripId ?? existing.trip_id,
    updated_at: now,
  };
}

/** State that a merge cleared: the withdrawal of a pending alert, or the not-reproduced flag on a reviewed one. */
export type Reinstatement = 'withdrawn' | 'not_reproduced';

export interface SavedAlertResult {
  id: number;
  created: boolean;
  /** Withdrawal or not-reproduced flag that the merge cleared, or null when the alert had neither. */
  reinstated: Reinstatement | null;
}

/**
 * Stores a finding: inserts a new pending alert, or merges the draft into the alert with the
 * same key. A merge never changes the review state, so a closed alert stays closed. Because the
 * finding is detected again, a merge reinstates a withdrawn alert (pending again) and clears the flag of
 * a reviewed alert that a replay no longer reproduced. A key already used by another rule or
 * vehicle is a detector fault and is rejected.
 */
export async function saveAlert(db: Kysely<Database>, draft: AlertDraft, now: number): Promise<SavedAlertResult> {
  checkDraft(draft);
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('alerts').selectAll().where('key', '=', draft.key).executeTakeFirst();
    if (!existing) return { id: await insertAlert(trx, draft, now), created: true, reinstated: null };
    if (existing.rule !== draft.rule || existing.vehicle_id !== draft.vehicleId) {
      throw new AppError(
        'GONGCHE_ERR_ALERT_KEY_CLASH',
        500,
        `Alert key ${draft.key} belongs to rule ${existing.rule} of vehicle ${existing.vehicle_id}, not to rule ${draft.rule} of vehicle ${draft.vehicleId}`,
        { value: draft.key },
      );
    }
    let reinstated: Reinstatement | null = null;
    if (existing.withdrawn_at !== null) reinstated = 'withdrawn';
    else if (existing.not_reproduced_at !== null) reinstated = 'not_reproduced';
    const cleared = reinstated === null ? {} : { withdrawn_at: null, not_reproduced_at: null, not_reproduced: null };
    await trx.updateTable('alerts').set({ ...mergedColumns(existing, draft, now), ...cleared }).where('id', '=', existing.id).execute();
    return { id: existing.id, created: false, reinstated };
  });
}
