import { invalid } from '../errors.ts';
import { distanceM } from '../ingest/geo.ts';

/** One valid fix of one vehicle, in device-time order. */
export interface StopFix {
  /** Device time, UTC milliseconds. */
  time: number;
  latitude: number;
  longitude: number;
  speedKmh: number;
  /** Ignition (ACC) state, or null when the terminal does not report it. */
  acc: boolean | null;
}

export interface StopSettings {
  /** Fixes within this distance of the stop's median position belong to the stop (GNSS drift of a parked vehicle). */
  dwellRadiusM: number;
  /** A stationary spell shorter than this is not a stop (traffic lights, queues). */
  minDwellS: number;
  /** At or below this reported speed a fix counts as stationary. */
  stationarySpeedKmh: number;
  /** Consecutive departing fixes that end a stop, so that a single outlier fix does not split it. */
  departureFixes: number;
}

/** Defaults: 100 m absorbs the tens of metres a parked vehicle's fixes wander; 5 min is longer than a red light. */
export const defaultStopSettings: Readonly<StopSettings> = { dwellRadiusM: 100, minDwellS: 300, stationarySpeedKmh: 5, departureFixes: 2 };

/** A stop as known so far: its place is the median of its fixes, its end the last fix seen at that place. */
export interface StopSummary {
  start: number;
  end: number;
  latitude: number;
  longitude: number;
  fixCount: number;
}

export type StopEvent =
  | { type: 'trip_started'; time: number; latitude: number; longitude: number }
  | { type: 'stop_started'; stop: StopSummary }
  | { type: 'stop_ended'; stop: StopSummary };

/** A stationary spell: a stop candidate until it lasts minDwellS, then a stop. */
interface Dwell {
  start: number;
  end: number;
  latitudes: number[];
  longitudes: number[];
  fixCount: number;
  anchorLatitude: number;
  anchorLongitude: number;
  /** True once the spell lasted minDwellS and stop_started was emitted. */
  confirmed: boolean;
}

/** Per-vehicle segmentation state; plain data, so that it can be stored as JSON. */
export interface StopState {
  lastTime: number | null;
  inTrip: boolean;
  dwell: Dwell | null;
  /** Departing fixes seen since the last stationary fix of the dwell. */
  departing: StopFix[];
  /** Fixes ignored because they were not newer than the last one. */
  outOfOrder: number;
}

export const newStopState = (): StopState => ({ lastTime: null, inTrip: false, dwell: null, departing: [], outOfOrder: 0 });

/** Positions kept per dwell for the median; beyond it every other one is dropped, which keeps the median representative. */
const maxDwellSamples = 512;

/** Throws a validation error naming the first setting out of range. */
export function checkStopSettings(settings: StopSettings): void {
  const positive = ['dwellRadiusM', 'minDwellS', 'stationarySpeedKmh'] as const;
  for (const key of positive) {
    if (!(Number.isFinite(settings[key]) && settings[key] > 0)) throw invalid(`Invalid stop setting ${key}=${settings[key]}: expected a positive number`, settings[key]);
  }
  if (!(Number.isInteger(settings.departureFixes) && settings.departureFixes >= 1)) {
    throw invalid(`Invalid stop setting departureFixes=${settings.departureFixes}: expected an integer >= 1`, settings.departureFixes);
  }
}

function median(values: readonly number[]): number {
  // A typed array sorts numerically without a comparator call per comparison, several times faster.
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summary(dwell: Dwell): StopSummary {
  return { start: dwell.start, end: dwell.end, latitude: median(dwell.latitudes), longitude: median(dwell.longitudes), fixCount: dwell.fixCount };
}

const nearAnchor = (dwell: Dwell, fix: StopFix, settings: StopSettings) =>
  distanceM(dwell.anchorLatitude, dwell.anchorLongitude, fix.latitude, fix.longitude) <= settings.dwellRadiusM;

/**
 * A fix is stationary when it is slow and near the dwell. With ACC off either is enough,
 * because some terminals report ACC off while driving when the ACC wire is not connected.
 */
function isStationary(fix: StopFix, dwell: Dwell | null, settings: StopSettings): boolean {
  const slow = fix.speedKmh <= settings.stationarySpeedKmh;
  const near = dwell === null || nearAnchor(dwell, fix, settings);
  return fix.acc === false ? slow || near : slow && near;
}

function openDwell(fix: StopFix): Dwell {
  return {
    start: fix.time,
    end: fix.time,
    latitudes: [fix.latitude],
    longitudes: [fix.longitude],
    fixCount: 1,
    anchorLatitude: fix.latitude,
    anchorLongitude: fix.longitude,
    confirmed: false,
  };
}

function addToDwell(dwell: Dwell, fix: StopFix): void {
  dwell.end = fix.time;
  dwell.fixCount++;
  dwell.latitudes.push(fix.latitude);
  dwell.longitudes.push(fix.longitude);
  if (dwell.latitudes.length > maxDwellSamples) {
    dwell.latitudes = dwell.latitudes.filter((_, i) => i % 2 === 0);
    dwell.longitudes = dwell.longitudes.filter((_, i) => i % 2 === 0);
  }
  // The anchor follows the median: every fix while the dwell is young, every 16th fix after that.
  if (dwell.fixCount <= 16 || dwell.fixCount % 16 === 0) {
    dwell.anchorLatitude = median(dwell.latitudes);
    dwell.anchorLongitude = median(dwell.longitudes);
  }
}

/** Emits stop_started, backdated to the dwell's first fix, once the dwell lasted minDwellS. */
function confirmIfLongEnough(state: StopState, settings: StopSettings): StopEvent[] {
  const dwell = state.dwell!;
  if (dwell.confirmed || dwell.end - dwell.start < settings.minDwellS * 1000) return [];
  dwell.confirmed = true;
  state.inTrip = false;
  return [{ type: 'stop_started', stop: summary(dwell) }];
}

const tripStarted = (fix: StopFix): StopEvent => ({ type: 'trip_started', time: fix.time, latitude: fix.latitude, longitude: fix.longitude });

function onMovingFix(state: StopState, fix: StopFix, settings: StopSettings): StopEvent[] {
  if (isStationary(fix, null, settings)) {
    state.dwell = openDwell(fix);
    return [];
  }
  if (state.inTrip) return [];
  state.inTrip = true;
  return [tripStarted(fix)];
}

/** Ends the dwell after enough departing fixes: a confirmed stop ends, an unconfirmed one is forgotten. */
function leaveDwell(state: StopState, settings: StopSettings): StopEvent[] {
  const dwell = state.dwell!;
  const [firstDeparting] = state.departing;
  const lastDeparting = state.departing[state.departing.length - 1]!;
  state.dwell = null;
  state.departing = [];
  const events: StopEvent[] = [];
  if (dwell.confirmed) events.push({ type: 'stop_ended', stop: summary(dwell) });
  if (!state.inTrip) {
    state.inTrip = true;
    events.push(tripStarted(firstDeparting!));
  }
  // The latest departing fix may itself begin a new dwell, for example after moving to the next parking row.
  return [...events, ...onMovingFix(state, lastDeparting, settings)];
}

function onDwellFix(state: StopState, fix: StopFix, settings: StopSettings): StopEvent[] {
  const dwell = state.dwell!;
  if (isStationary(fix, dwell, settings)) {
    state.departing = [];
    addToDwell(dwell, fix);
    return confirmIfLongEnough(state, settings);
  }
  // A fast fix still inside the radius shows the vehicle was at the place until then.
  if (nearAnchor(dwell, fix, settings)) dwell.end = Math.max(dwell.end, fix.time);
  const events = confirmIfLongEnough(state, settings);
  state.departing.push(fix);
  if (state.departing.length < settings.departureFixes) return events;
  return [...events, ...leaveDwell(state, settings)];
}

/**
 * Feeds one fix into the segmentation and returns the events it causes. Fixes must come in
 * device-time order (blind-area uploads sorted in first); a fix not newer than the last
 * one is ignored and counted in state.outOfOrder. Pass only fixes the ingest check accepted.
 */
export function updateStopState(state: StopState, fix: StopFix, settings: StopSettings = defaultStopSettings): StopEvent[] {
  if (state.lastTime !== null && fix.time <= state.lastTime) {
    state.outOfOrder++;
    return [];
  }
  state.lastTime = fix.time;
  return state.dwell ? onDwellFix(state, fix, settings) : onMovingFix(state, fix, settings);
}

/** Returns the stop in progress, or null while driving or before a dwell lasts minDwellS. */
export function currentStop(state: StopState): StopSummary | null {
  return state.dwell?.confirmed ? summary(state.dwell) : null;
}
