import { newStopState, type StopState } from '../stops.ts';
import type { RuleCode } from '../rule-codes.ts';
import type { StopFact } from './types.ts';

/** A stop as stored in state: places by id, so that state stays small and survives edits of place shapes. */
export type StoredStop = Omit<StopFact, 'places'> & { places: { id: number; outsideM: number }[] };

/** Engine's record of the stationary spell that stop segmentation has open. */
export interface DwellTrack {
  firstPositionId: number;
  lastPositionId: number;
  /** Odometer at the spell's first fix: where the trip before it ends. */
  startOdometerM: number;
  /** Up to four raw frame ids from the start of the spell and four from its end. */
  headFrames: number[];
  tailFrames: number[];
  /** Places matched when the spell became a stop, for hysteresis at its end. */
  placeIds: number[] | null;
  /** A fix of the spell arrived late. */
  late: boolean;
}

/** The trip in progress, from the fix that left the last stop. */
export interface TripProgress {
  start: number;
  startOdometerM: number;
  firstPositionId: number;
  fromStop: StoredStop | null;
  maxDistanceFromHomeM: number | null;
  leftBoundary: boolean;
  headFrames: number[];
  tailFrames: number[];
  late: boolean;
}

/** A recent valid fix, to find where the trip that stop segmentation reports as started began. */
export interface RecentFix {
  time: number;
  positionId: number;
  rawFrameId: number;
  odometerM: number;
  /** Missing in states stored before they were kept; such a fix then does not count toward the trip's extent. */
  latitude?: number;
  longitude?: number;
}

/** Everything the engine keeps per vehicle between positions; plain data, stored as JSON. */
export interface VehicleRuleState {
  version: 1;
  /** Order key of the last position evaluated (device time, then id). */
  lastTime: number | null;
  lastPositionId: number | null;
  /** Local date of the last position, for day_started. */
  lastDate: string | null;
  /** Device time of the last valid fix, for the odometer. */
  lastValid: { time: number; latitude: number; longitude: number } | null;
  /** Distance driven over every valid fix so far, metres. */
  odometerM: number;
  recent: RecentFix[];
  stops: StopState;
  dwell: DwellTrack | null;
  lastStop: StoredStop | null;
  trip: TripProgress | null;
  detectors: Partial<Record<RuleCode, unknown>>;
}

export const newVehicleState = (): VehicleRuleState => ({
  version: 1,
  lastTime: null,
  lastPositionId: null,
  lastDate: null,
  lastValid: null,
  odometerM: 0,
  recent: [],
  stops: newStopState(),
  dwell: null,
  lastStop: null,
  trip: null,
  detectors: {},
});

/** Parses stored state; an unknown version starts afresh rather than misread it. */
export function parseVehicleState(json: string): VehicleRuleState {
  const state = JSON.parse(json) as VehicleRuleState;
  return state.version === 1 ? state : newVehicleState();
}

/** Compares two order keys (device time, then position id). */
export function compareKeys(aTime: number, aId: number, bTime: number, bId: number): number {
  return aTime - bTime || aId - bId;
}

/** Keeps the first `size` values in head and the latest `size` after them in tail. */
export function sampleFrame(head: number[], tail: number[], value: number, size = 4): void {
  if (head.length < size) {
    head.push(value);
    return;
  }
  tail.push(value);
  if (tail.length > size) tail.shift();
}
