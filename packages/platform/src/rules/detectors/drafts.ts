import type { AlertDraft, AlertEvidence, RuleContext, Severity, StopFact, TripFact } from '../engine/types.ts';
import type { RuleCode } from '../rule-codes.ts';

/** The facts of a stop that alerts and detector state keep, with places reduced to ids. */
export interface StopRecord {
  start: number;
  end: number;
  latitude: number;
  longitude: number;
  fixCount: number;
  spreadM: number;
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
  /** The stop's places by id, with metres outside each one's edge (0 inside). */
  places: { id: number; outsideM: number }[];
}

export function stopRecord(stop: StopFact): StopRecord {
  return {
    start: stop.start,
    end: stop.end,
    latitude: stop.latitude,
    longitude: stop.longitude,
    fixCount: stop.fixCount,
    spreadM: stop.spreadM,
    firstPositionId: stop.firstPositionId,
    lastPositionId: stop.lastPositionId,
    rawFrameIds: stop.rawFrameIds.slice(0, maxEvidenceIds),
    places: stop.places.map(({ place, outsideM }) => ({ id: place.id, outsideM: Math.round(outsideM) })),
  };
}

/** Raw frame ids an alert carries from one stop or trip; the alert store caps the union of merged drafts too. */
const maxEvidenceIds = 8;

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** Facts every stop-based alert shows: how long, where, on how many fixes and how much they wandered. */
export function stopFacts(stop: StopRecord, end = stop.end): AlertDraft['facts'] {
  return {
    durationS: Math.round((end - stop.start) / 1000),
    fixCount: stop.fixCount,
    spreadM: Math.round(stop.spreadM),
    latitude: round(stop.latitude, 6),
    longitude: round(stop.longitude, 6),
  };
}

/** Facts every trip-based alert shows. */
export function tripFacts(trip: TripFact): AlertDraft['facts'] {
  return {
    durationS: Math.round((trip.end - trip.start) / 1000),
    distanceM: Math.round(trip.distanceM),
    maxDistanceFromHomeM: trip.maxDistanceFromHomeM === null ? null : Math.round(trip.maxDistanceFromHomeM),
    tripVerdict: trip.verdict,
    orderId: trip.order?.id ?? null,
  };
}

export interface DraftInput {
  code: RuleCode;
  context: RuleContext;
  /** The finding's subject, unique per vehicle (a stop's start, a night's start), for the merge key. */
  subject: string | number;
  start: number;
  end: number;
  severity: Severity;
  facts: AlertDraft['facts'];
  evidence: Partial<Omit<AlertEvidence, 'positionRange'>>;
  /** Device-time range of the evidence positions when it is wider than the finding, such as the whole rest behind one night. */
  range?: { from: number; to: number };
}

/** Builds an alert draft whose merge key is the rule code, the vehicle and the subject. */
export function draft(input: DraftInput): AlertDraft {
  const { vehicle } = input.context;
  return {
    key: `${input.code}:${vehicle.id}:${input.subject}`,
    rule: input.code,
    vehicleId: vehicle.id,
    unitId: vehicle.unitId,
    start: input.start,
    end: input.end,
    severity: input.severity,
    late: false,
    facts: input.facts,
    evidence: {
      positionRange: { vehicleId: vehicle.id, from: input.range?.from ?? input.start, to: input.range?.to ?? input.end },
      positionIds: input.evidence.positionIds ?? [],
      rawFrameIds: (input.evidence.rawFrameIds ?? []).slice(0, maxEvidenceIds),
      placeId: input.evidence.placeId ?? null,
      tripOrderId: input.evidence.tripOrderId ?? null,
      orderAbsent: input.evidence.orderAbsent ?? false,
      tripId: input.evidence.tripId ?? null,
    },
  };
}

/** Evidence of one stop: its first and last positions and a spread of its raw frames. */
export function stopEvidence(stop: StopRecord): Pick<AlertEvidence, 'positionIds' | 'rawFrameIds'> {
  return { positionIds: unique([stop.firstPositionId, stop.lastPositionId]), rawFrameIds: stop.rawFrameIds };
}

/** Evidence of one trip: its first and last positions, raw frames, stored id and order. */
export function tripEvidence(trip: TripFact): Partial<AlertEvidence> {
  return {
    positionIds: unique([trip.firstPositionId, trip.lastPositionId]),
    rawFrameIds: trip.rawFrameIds,
    tripId: trip.tripId,
    tripOrderId: trip.order?.id ?? null,
    orderAbsent: trip.order === null,
  };
}

export const unique = (ids: readonly number[]) => [...new Set(ids)];
