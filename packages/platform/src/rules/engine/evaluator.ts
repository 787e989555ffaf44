import { distanceM } from '../../ingest/geo.ts';
import type { Place } from '../places.ts';
import { updateStopState, type StopState, type StopSummary } from '../stops.ts';
import type { RuleCode } from '../rule-codes.ts';
import type { AlertDraft, RuleEvent, RuleFix, StopFact, TripFact } from './types.ts';
import type { VehicleSetup } from './context.ts';
import type { DriverReport } from './facts.ts';
import { matchStopPlaces } from './stop-places.ts';
import { orderSearchMs, tripVerdict, type VerdictReason } from './verdict.ts';
import { compareKeys, sampleFrame, type DwellTrack, type StoredStop, type VehicleRuleState } from './state.ts';

/** A trip the engine decided, to be stored. */
export interface TripRecord {
  vehicleId: number;
  unitId: number;
  trip: TripFact;
  reason: VerdictReason;
  late: boolean;
  /** Device time of the fix that ended the trip. */
  decidedAt: number;
}

/** Receiver of an evaluation's findings: the runner stores them, tests and the benchmark collect or count them. */
export interface EvaluationSink {
  alert(draft: AlertDraft): void;
  /** Stores a trip and returns its id, or null when trips are not stored. */
  trip(record: TripRecord): number | null;
  /** A copy of the state before the first position of a new local day. */
  checkpoint(vehicleId: number, time: number, positionId: number, state: string): void;
  event?(event: RuleEvent): void;
  detectorFailed?(code: RuleCode, vehicleId: number, error: unknown): void;
}

type Dwell = NonNullable<StopState['dwell']>;

const recentFixes = 8;

/** Centre of a place, for the distance of a trip from home. */
function centreOf(place: Place): { latitude: number; longitude: number } {
  const { shape } = place;
  if (shape.kind === 'circle') return shape;
  const ring = shape.kind === 'polygon' ? shape.rings[0]! : shape.polygons[0]![0]!;
  let lon = 0;
  let lat = 0;
  for (const [x, y] of ring) {
    lon += x;
    lat += y;
  }
  return { latitude: lat / ring.length, longitude: lon / ring.length };
}

/** IC card numbers of the drivers at the wheel during [start, end]: the card inserted at the start and every card inserted since. */
export function driverCardsDuring(reports: readonly DriverReport[], start: number, end: number): string[] {
  let current: string | null = null;
  const cards = new Set<string>();
  for (const report of reports) {
    if (report.time > end) break;
    if (report.time <= start) current = report.state === 'in' ? report.cardNumber : null;
    else if (report.state === 'in' && report.cardNumber) cards.add(report.cardNumber);
  }
  if (current) cards.add(current);
  return [...cards].sort();
}

/**
 * Evaluates one vehicle's positions in device-time order: turns them into events (day_started,
 * fix, stop_started, stop_ended, trip_ended), decides each trip's verdict and feeds every event to
 * every detector the vehicle's rules enable. Mutates `state` and reports everything else to the
 * sink. Positions at or before the state's last order key are skipped.
 */
export class VehicleEvaluator {
  readonly #setup: VehicleSetup;
  readonly #sink: EvaluationSink;
  readonly #homeCentres: { latitude: number; longitude: number }[];
  /** Device time of the earliest late fix of this run; alerts ending at or after it are flagged late. */
  #lateFrom: number | null = null;
  /** The local date last computed and the instants [start, end) it covers, so that most fixes need no date arithmetic. */
  #day = { date: '', start: 0, end: 0 };
  /** Detector states of the current run, in the order of the resolved detectors; written back to the vehicle state after the run. */
  #detectorStates: unknown[] = [];
  dirty = false;

  constructor(setup: VehicleSetup, sink: EvaluationSink) {
    this.#setup = setup;
    this.#sink = sink;
    this.#homeCentres = setup.context.homePlaces.map(centreOf);
  }

  run(state: VehicleRuleState, fixes: readonly RuleFix[]): void {
    this.#detectorStates = this.#setup.rules.detectors.map(({ detector }) => state.detectors[detector.code] ?? detector.initialState());
    for (const fix of fixes) this.#onFix(state, fix);
    this.#storeDetectorStates(state);
  }

  #storeDetectorStates(state: VehicleRuleState): void {
    const { detectors } = this.#setup.rules;
    for (let i = 0; i < detectors.length; i++) state.detectors[detectors[i]!.detector.code] = this.#detectorStates[i];
  }

  #onFix(state: VehicleRuleState, fix: RuleFix): void {
    if (state.lastTime !== null && compareKeys(fix.time, fix.positionId, state.lastTime, state.lastPositionId!) <= 0) return;
    this.dirty = true;
    if (fix.late && (this.#lateFrom === null || fix.time < this.#lateFrom)) this.#lateFrom = fix.time;
    const date = this.#dateOf(fix.time);
    if (date !== state.lastDate) {
      if (state.lastTime !== null) {
        this.#storeDetectorStates(state);
        this.#sink.checkpoint(this.#setup.vehicle.id, state.lastTime, state.lastPositionId!, JSON.stringify(state));
      }
      state.lastDate = date;
      this.#emit(state, { type: 'day_started', date, at: this.#day.start });
    }
    state.lastTime = fix.time;
    state.lastPositionId = fix.positionId;
    this.#emit(state, { type: 'fix', fix });
    if (fix.valid) this.#segment(state, fix);
  }

  #dateOf(time: number): string {
    const day = this.#day;
    if (time >= day.start && time < day.end) return day.date;
    const { clock } = this.#setup;
    day.date = clock.date(time);
    day.start = clock.startOfDay(time);
    day.end = clock.startOfDate(new Date(Date.parse(`${day.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    return day.date;
  }

  #emit(state: VehicleRuleState, event: RuleEvent): void {
    this.#sink.event?.(event);
    const { context, rules, vehicle } = this.#setup;
    const states = this.#detectorStates;
    for (let i = 0; i < rules.detectors.length; i++) {
      const { detector, settings } = rules.detectors[i]!;
      let result;
      try {
        result = detector.update(states[i], event, context, settings);
      } catch (error) {
        this.#sink.detectorFailed?.(detector.code, vehicle.id, error);
        continue;
      }
      states[i] = result.state;
      for (const alert of result.alerts) {
        const late = alert.late || (this.#lateFrom !== null && alert.end >= this.#lateFrom);
        this.#sink.alert(late === alert.late ? alert : { ...alert, late });
      }
    }
  }

  #segment(state: VehicleRuleState, fix: RuleFix): void {
    if (state.lastValid) state.odometerM += distanceM(state.lastValid.latitude, state.lastValid.longitude, fix.latitude, fix.longitude);
    state.lastValid = { time: fix.time, latitude: fix.latitude, longitude: fix.longitude };
    state.recent.push({ time: fix.time, positionId: fix.positionId, rawFrameId: fix.rawFrameId, odometerM: state.odometerM, latitude: fix.latitude, longitude: fix.longitude });
    if (state.recent.length > recentFixes) state.recent.shift();
    if (state.trip) this.#extendTrip(state, fix);

    const before = state.stops.dwell;
    const oldTrack = state.dwell;
    const events = updateStopState(state.stops, { time: fix.time, latitude: fix.latitude, longitude: fix.longitude, speedKmh: fix.speedKmh, acc: fix.acc }, this.#setup.settings.stops);
    const after = state.stops.dwell;
    let newTrack = oldTrack;
    if (after !== before) newTrack = after ? this.#openTrack(state, fix) : null;
    else if (after && newTrack && after.end === fix.time) {
      newTrack.lastPositionId = fix.positionId;
      sampleFrame(newTrack.headFrames, newTrack.tailFrames, fix.rawFrameId);
      newTrack.late ||= fix.late;
    }
    state.dwell = newTrack;

    for (const event of events) {
      if (event.type === 'trip_started') this.#startTrip(state, event.time, fix);
      else if (event.type === 'stop_ended') this.#endStop(state, event.stop, before!, oldTrack!);
      else {
        const isBefore = before !== null && before.start === event.stop.start;
        this.#startStop(state, fix, event.stop, isBefore ? before : after!, isBefore ? oldTrack! : newTrack!);
      }
    }
  }

  #openTrack(state: VehicleRuleState, fix: RuleFix): DwellTrack {
    return { firstPositionId: fix.positionId, lastPositionId: fix.positionId, startOdometerM: state.odometerM, headFrames: [fix.rawFrameId], tailFrames: [], placeIds: null, late: fix.late };
  }

  #extendTrip(state: VehicleRuleState, fix: RuleFix): void {
    const trip = state.trip!;
    this.#coverPoint(trip, fix);
    sampleFrame(trip.headFrames, trip.tailFrames, fix.rawFrameId);
    trip.late ||= fix.late;
  }

  /** Widens the trip's largest distance from home, and notes when the point lies outside the prefecture. */
  #coverPoint(trip: NonNullable<VehicleRuleState['trip']>, point: { latitude: number; longitude: number }): void {
    if (this.#homeCentres.length > 0) {
      let fromHome = Infinity;
      for (const c of this.#homeCentres) fromHome = Math.min(fromHome, distanceM(c.latitude, c.longitude, point.latitude, point.longitude));
      trip.maxDistanceFromHomeM = Math.max(trip.maxDistanceFromHomeM ?? 0, Math.round(fromHome));
    }
    if (!trip.leftBoundary && this.#setup.boundary.isOutside(point)) trip.leftBoundary = true;
  }

  #startTrip(state: VehicleRuleState, time: number, fix: RuleFix): void {
    const index = Math.max(0, state.recent.findIndex((r) => r.time === time));
    const first = state.recent[index]!;
    // The trip's distance counts from the last fix before it, at the stop it left.
    const previous = state.recent[index - 1];
    state.trip = {
      start: time,
      startOdometerM: previous?.odometerM ?? first.odometerM,
      firstPositionId: first.positionId,
      fromStop: state.lastStop,
      maxDistanceFromHomeM: null,
      leftBoundary: false,
      headFrames: [],
      tailFrames: [],
      late: false,
    };
    // The trip is dated back to its first departing fix, so the departing fixes before this one count too.
    for (const recent of state.recent) {
      if (recent.time < time || recent.positionId === fix.positionId) continue;
      sampleFrame(state.trip.headFrames, state.trip.tailFrames, recent.rawFrameId);
      if (recent.latitude !== undefined && recent.longitude !== undefined) this.#coverPoint(state.trip, { latitude: recent.latitude, longitude: recent.longitude });
    }
    this.#extendTrip(state, fix);
  }

  #stopFact(summary: StopSummary, dwell: Dwell, track: DwellTrack, keepIds: readonly number[] | null): StopFact {
    const places = matchStopPlaces(this.#setup.context.places, summary, this.#setup.settings.places, keepIds ?? []);
    let spreadM = 0;
    for (let i = 0; i < dwell.latitudes.length; i++) {
      spreadM = Math.max(spreadM, distanceM(summary.latitude, summary.longitude, dwell.latitudes[i]!, dwell.longitudes[i]!));
    }
    return {
      ...summary,
      places,
      firstPositionId: track.firstPositionId,
      lastPositionId: track.lastPositionId,
      rawFrameIds: [...track.headFrames, ...track.tailFrames],
      spreadM: Math.round(spreadM * 10) / 10,
    };
  }

  #endStop(state: VehicleRuleState, summary: StopSummary, dwell: Dwell, track: DwellTrack): void {
    const stop = this.#stopFact(summary, dwell, track, track.placeIds);
    state.lastStop = storedStop(stop);
    this.#emit(state, { type: 'stop_ended', stop });
  }

  #startStop(state: VehicleRuleState, fix: RuleFix, summary: StopSummary, dwell: Dwell, track: DwellTrack): void {
    const stop = this.#stopFact(summary, dwell, track, null);
    track.placeIds = stop.places.map((m) => m.place.id);
    if (state.trip) this.#endTrip(state, fix, stop, track);
    this.#emit(state, { type: 'stop_started', stop });
  }

  #endTrip(state: VehicleRuleState, fix: RuleFix, toStop: StopFact, track: DwellTrack): void {
    const progress = state.trip!;
    state.trip = null;
    const { context, settings, vehicle } = this.#setup;
    const end = Math.max(progress.start, toStop.start);
    const driverCards = driverCardsDuring(this.#setup.driverReports, progress.start, end);
    const graceMs = settings.orders.windowGraceMin * 60_000;
    const base = {
      start: progress.start,
      end,
      fromStop: progress.fromStop ? this.#hydrate(progress.fromStop) : null,
      toStop,
      distanceM: Math.round(Math.max(0, track.startOdometerM - progress.startOdometerM)),
      maxDistanceFromHomeM: progress.maxDistanceFromHomeM,
      leftBoundary: progress.leftBoundary,
      firstPositionId: progress.firstPositionId,
      lastPositionId: track.firstPositionId,
      rawFrameIds: [...progress.headFrames, ...progress.tailFrames],
      driverCards,
    };
    const orders = context.ordersBetween(progress.start - orderSearchMs, end + orderSearchMs);
    const judged = tripVerdict(base, { orders, unitDriverCards: context.unitDriverCards, homePlaces: context.homePlaces, graceMs });
    const trip: TripFact = { ...base, order: judged.order, verdict: judged.verdict, tripId: null };
    const late = progress.late || track.late;
    trip.tripId = this.#sink.trip({ vehicleId: vehicle.id, unitId: vehicle.unitId, trip, reason: judged.reason, late, decidedAt: fix.time });
    this.#emit(state, { type: 'trip_ended', trip });
  }

  /** Turns a stored stop back into a fact, dropping places deleted since. */
  #hydrate(stop: StoredStop): StopFact {
    const places = stop.places.flatMap((m) => {
      const place = this.#setup.placeById.get(m.id);
      return place ? [{ place, outsideM: m.outsideM }] : [];
    });
    return { ...stop, places };
  }
}

function storedStop(stop: StopFact): StoredStop {
  return { ...stop, places: stop.places.map((m) => ({ id: m.place.id, outsideM: m.outsideM })) };
}
