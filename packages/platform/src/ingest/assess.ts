import type { Position } from '@gongche/jt808';
import type { IngestSettings } from '../config.ts';
import { distanceM } from './geo.ts';

/** Why a stored report is left out of tracks. */
export type InvalidReason = 'invalid_time' | 'future_time' | 'no_fix' | 'invalid_coordinates' | 'impossible_jump';

/** The last fix that tracks may use, per terminal. */
export interface Fix {
  time: number;
  latitude: number;
  longitude: number;
}

/** Per-terminal memory of the track check: the last accepted fix and the run of fixes that jumped away from it. */
export interface TrackState {
  lastFix: Fix | null;
  /** Consecutive fixes that jumped from lastFix but agree with each other. */
  jumpRun: Fix[];
}

export const newTrackState = (): TrackState => ({ lastFix: null, jumpRun: [] });

/** Fixes in a row that agree with each other but not with the last accepted fix, after which the vehicle is taken to be there. */
const jumpRunToRelocate = 3;

function plausible(from: Fix, to: Fix, maxSpeedKmh: number): boolean {
  const metres = distanceM(from.latitude, from.longitude, to.latitude, to.longitude);
  const seconds = Math.abs(to.time - from.time) / 1000;
  // Two fixes in the same second may still differ by GPS noise, so allow 100 m.
  if (seconds < 1) return metres <= 100;
  return (metres / seconds) * 3.6 <= maxSpeedKmh;
}

function staticProblem(position: Position, receivedAt: number, settings: IngestSettings): InvalidReason | null {
  if (position.time === null) return 'invalid_time';
  if (position.time.getTime() - receivedAt > settings.maxFutureSkewS * 1000) return 'future_time';
  if (!position.fixed) return 'no_fix';
  const { latitude, longitude } = position;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) return 'invalid_coordinates';
  return null;
}

/**
 * Decides whether a report may be used in tracks and updates the track state. A fix whose
 * implied speed from the last accepted fix exceeds the plausible maximum is an impossible
 * jump, unless it is the third of a run of fixes that agree with each other: then the
 * earlier fix was the wrong one and the track continues from the run. Reports older than
 * the last accepted fix (blind-area uploads) are checked against nothing but themselves.
 */
export function assessPosition(state: TrackState, position: Position, receivedAt: number, settings: IngestSettings): InvalidReason | null {
  const problem = staticProblem(position, receivedAt, settings);
  if (problem) return problem;

  const fix: Fix = { time: position.time!.getTime(), latitude: position.latitude, longitude: position.longitude };
  const last = state.lastFix;
  if (last === null) {
    state.lastFix = fix;
    return null;
  }
  if (fix.time < last.time) return null;
  if (plausible(last, fix, settings.maxPlausibleSpeedKmh)) {
    state.lastFix = fix;
    state.jumpRun = [];
    return null;
  }

  const previousInRun = state.jumpRun[state.jumpRun.length - 1];
  state.jumpRun = previousInRun && plausible(previousInRun, fix, settings.maxPlausibleSpeedKmh) ? [...state.jumpRun, fix] : [fix];
  if (state.jumpRun.length >= jumpRunToRelocate) {
    state.lastFix = fix;
    state.jumpRun = [];
    return null;
  }
  return 'impossible_jump';
}
