import assert from 'node:assert/strict';
import { defaultRuleSettings } from '../../../src/rules/templates/settings.ts';
import { matchStopPlaces } from '../../../src/rules/engine/stop-places.ts';
import type { AlertDraft, Detector, RuleContext, RuleEvent, RuleFix, StopFact, TripFact, TripOrderFact } from '../../../src/rules/engine/types.ts';
import type { Place, PlaceCategory, PlaceShape } from '../../../src/rules/places.ts';
import { offset, type Point } from '../../helpers/rule-fixes.ts';

export const minute = 60_000;
export const hour = 3_600_000;

export const place = (id: number, category: PlaceCategory, shape: PlaceShape, unitId: number | null = null, name = `${category} ${id}`): Place => ({ id, name, category, unitId, shape });

let nextPositionId = 1;

/** Returns a valid fix at a point, standing unless a speed is given. */
export function fixAt(point: Point, time: number, options: { speedKmh?: number; valid?: boolean; acc?: boolean } = {}): RuleFix {
  const id = nextPositionId++;
  const valid = options.valid ?? true;
  return {
    positionId: id,
    rawFrameId: id,
    terminalId: 1,
    time,
    receivedAt: time,
    latitude: point.latitude,
    longitude: point.longitude,
    speedKmh: options.speedKmh ?? 0,
    acc: options.acc ?? false,
    alarm: 0,
    status: valid ? 2 : 0,
    fixed: valid,
    valid,
    blindArea: false,
    late: false,
  };
}

export const fixEvent = (point: Point, time: number, options?: Parameters<typeof fixAt>[2]): RuleEvent => ({ type: 'fix', fix: fixAt(point, time, options) });

/** Returns a stop at a point from start to end, matched to the context's places as the engine matches them. */
export function stopAt(context: RuleContext, point: Point, start: number, end: number, extra: Partial<StopFact> = {}): StopFact {
  const firstPositionId = nextPositionId++;
  return {
    start,
    end,
    latitude: point.latitude,
    longitude: point.longitude,
    fixCount: Math.max(2, Math.round((end - start) / minute) + 1),
    places: matchStopPlaces(context.places, point, defaultRuleSettings.places),
    firstPositionId,
    lastPositionId: firstPositionId + 1,
    rawFrameIds: [firstPositionId, firstPositionId + 1],
    spreadM: 8,
    ...extra,
  };
}

/**
 * Returns the events the engine emits for a vehicle standing at a point from start to end: a fix every
 * everyMin minutes (each driftM away in turn, when given), stop_started after five minutes
 * backdated to start, and stop_ended at the end.
 */
export function stayEvents(context: RuleContext, point: Point, start: number, end: number, options: { everyMin?: number; driftM?: number } = {}): RuleEvent[] {
  const step = (options.everyMin ?? 5) * minute;
  const events: RuleEvent[] = [];
  let started = false;
  for (let time = start, i = 0; time <= end; time += step, i++) {
    const drift = options.driftM ? offset(point, i % 2 === 0 ? options.driftM : -options.driftM, 0) : point;
    events.push(fixEvent(drift, time));
    if (!started && time - start >= 5 * minute) {
      events.push({ type: 'stop_started', stop: stopAt(context, point, start, time) });
      started = true;
    }
  }
  events.push({ type: 'stop_ended', stop: stopAt(context, point, start, end) });
  return events;
}

export interface TripOptions {
  from?: StopFact | null;
  to: StopFact;
  start: number;
  end?: number;
  distanceM?: number;
  order?: TripOrderFact | null;
  verdict?: TripFact['verdict'];
  driverCards?: string[];
  leftBoundary?: boolean;
  maxDistanceFromHomeM?: number | null;
}

export function tripFact(options: TripOptions): TripFact {
  const firstPositionId = nextPositionId++;
  const order = options.order ?? null;
  return {
    start: options.start,
    end: options.end ?? options.to.start,
    fromStop: options.from ?? null,
    toStop: options.to,
    distanceM: options.distanceM ?? 5_000,
    maxDistanceFromHomeM: options.maxDistanceFromHomeM ?? null,
    leftBoundary: options.leftBoundary ?? false,
    firstPositionId,
    lastPositionId: firstPositionId + 1,
    rawFrameIds: [firstPositionId],
    driverCards: options.driverCards ?? [],
    order,
    verdict: options.verdict ?? (order ? 'covered' : 'no_order'),
    tripId: firstPositionId,
  };
}

export const tripEvent = (options: TripOptions): RuleEvent => ({ type: 'trip_ended', trip: tripFact(options) });

let nextOrderId = 100;

export function order(start: number, end: number, extra: Partial<TripOrderFact> = {}): TripOrderFact {
  return { id: nextOrderId++, vehicleId: 1, driverId: null, purpose: '公务', destinations: [], start, end, outOfArea: false, holidayUse: false, ...extra };
}

export const destination = (point: Point, radiusM = 200, placeId: number | null = null, name = '目的地') => ({ placeId, name, latitude: point.latitude, longitude: point.longitude, radiusM });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Feeds events to a detector as the engine does, and checks the contract on every step. The
 * update never mutates its input state (it is frozen) and returns the same object when nothing
 * changed. Every state survives a JSON round trip, as persisted state must.
 */
export function runDetector<S, Settings>(detector: Detector<S, Settings>, events: readonly RuleEvent[], context: RuleContext, settings: Settings = detector.defaults, initial?: S) {
  let state = initial ?? detector.initialState();
  const alerts: AlertDraft[] = [];
  for (const event of events) {
    const before = JSON.stringify(state);
    const result = detector.update(deepFreeze(state), event, context, settings);
    if (result.state !== state) {
      assert.notEqual(JSON.stringify(result.state), before, `${detector.code} returned a new but equal state on ${event.type}`);
      state = JSON.parse(JSON.stringify(result.state)) as S;
    }
    for (const alert of result.alerts) {
      assert.ok(alert.key.startsWith(`${detector.code}:${context.vehicle.id}:`), `key ${alert.key} names the rule and vehicle`);
      assert.ok(alert.end >= alert.start, `alert ${alert.key} ends after it starts`);
    }
    alerts.push(...result.alerts);
  }
  return { state, alerts, keys: [...new Set(alerts.map((alert) => alert.key))] };
}

/** Returns the last draft of each key, which is what the alert store keeps after merging. */
export function merged(alerts: readonly AlertDraft[]): AlertDraft[] {
  const byKey = new Map<string, AlertDraft>();
  for (const alert of alerts) byKey.set(alert.key, alert);
  return [...byKey.values()];
}
