import type { AlertDraft, RuleFix, Severity } from '../engine/types.ts';
import type { RuleCode } from '../rule-codes.ts';

/** Position and raw frame ids an episode keeps as evidence: the first few and the latest. */
export interface EvidenceSample {
  positionIds: number[];
  rawFrameIds: number[];
}

/** Ids kept from the start of an episode. One more slot keeps the latest fix. */
const leadingIds = 4;

export function newSample(fix: RuleFix): EvidenceSample {
  return { positionIds: [fix.positionId], rawFrameIds: [fix.rawFrameId] };
}

function withLatest(ids: number[], id: number): number[] {
  if (ids.includes(id)) return ids;
  return ids.length <= leadingIds ? [...ids, id] : [...ids.slice(0, leadingIds), id];
}

/** Returns the sample with the fix as its latest entry; the leading ids never change. */
export function addToSample(sample: EvidenceSample, fix: RuleFix): EvidenceSample {
  return { positionIds: withLatest(sample.positionIds, fix.positionId), rawFrameIds: withLatest(sample.rawFrameIds, fix.rawFrameId) };
}

export interface IntegrityDraftInput {
  code: RuleCode;
  vehicleId: number;
  unitId: number;
  /** Part of the merge key that makes the finding unique for its vehicle: an episode's start time or a terminal id. */
  subject: string | number;
  start: number;
  end: number;
  severity: Severity;
  facts: AlertDraft['facts'];
  sample?: EvidenceSample;
}

/** Builds an integrity alert draft whose merge key is the rule code, the vehicle and the subject. */
export function integrityDraft(input: IntegrityDraftInput): AlertDraft {
  return {
    key: `${input.code}:${input.vehicleId}:${input.subject}`,
    rule: input.code,
    vehicleId: input.vehicleId,
    unitId: input.unitId,
    start: input.start,
    end: input.end,
    severity: input.severity,
    late: false,
    facts: input.facts,
    evidence: {
      positionRange: { vehicleId: input.vehicleId, from: input.start, to: input.end },
      positionIds: input.sample?.positionIds ?? [],
      rawFrameIds: input.sample?.rawFrameIds ?? [],
      placeId: null,
      tripOrderId: null,
      orderAbsent: false,
      tripId: null,
    },
  };
}

/** Whole seconds between two instants in milliseconds. */
export const seconds = (from: number, to: number): number => Math.round((to - from) / 1000);

/** An open episode emits a refreshed draft at most this often (device time), so that its alert's span and facts stay current without a write per fix. */
export const episodeRefreshMs = 10 * 60_000;
