import type { CalendarTable } from '../calendar.ts';
import type { Place, PlaceIndex } from '../places.ts';
import type { StopSummary } from '../stops.ts';
import type { RuleCode } from '../rule-codes.ts';

/**
 * The contract between the rules engine and its detectors. The engine turns each vehicle's
 * stored positions, in device-time order, into events (fixes, stops, trips, day changes) and
 * feeds every event to every detector that the vehicle's template enables. A detector is plain
 * state plus a pure update function that never reads the store or the clock. It returns the same
 * state object when nothing changed, so the engine persists state only when it changed. A replay
 * over the same history therefore yields the same alerts.
 */

/** One stored position as the rules see it; times are UTC milliseconds. */
export interface RuleFix {
  positionId: number;
  rawFrameId: number;
  terminalId: number;
  /** Device time (the terminal's clock). */
  time: number;
  receivedAt: number;
  latitude: number;
  longitude: number;
  speedKmh: number;
  /** ACC (ignition) state from the status bits. */
  acc: boolean;
  alarm: number;
  status: number;
  /** The terminal reported a GNSS fix. */
  fixed: boolean;
  /** Passed the ingest checks (fix, coordinates, plausible jump); invalid fixes still reach detectors that need them (loss of fix), but never make stops or trips. */
  valid: boolean;
  /** Came in a 0x0704 blind-area batch. */
  blindArea: boolean;
  /** Arrived after the engine had already processed a newer fix of this vehicle. */
  late: boolean;
}

/** A place matched to a stop, with the distance from the stop's median to the place (0 inside). */
export interface MatchedPlace {
  place: Place;
  /** Metres outside the shape's edge when matched through the hysteresis margin, 0 when inside. */
  outsideM: number;
}

/** A stop as the rules see it: the segmentation's summary plus the places it is at. */
export interface StopFact extends StopSummary {
  /** Places containing the stop's median position (with hysteresis margin), official places first. */
  places: MatchedPlace[];
  firstPositionId: number;
  lastPositionId: number;
  /** A few raw frame ids spread over the stop, for evidence. */
  rawFrameIds: number[];
  /** Largest distance (m) of the stop's fixes from its median: the drift a reviewer can weigh. */
  spreadM: number;
}

/** A destination of a trip order: a stored place or a point with a radius. */
export interface OrderDestination {
  placeId: number | null;
  name: string;
  latitude: number;
  longitude: number;
  radiusM: number;
}

/** An approved trip order (用车申请 / 派车单) as the rules see it. */
export interface TripOrderFact {
  id: number;
  vehicleId: number;
  driverId: number | null;
  purpose: string;
  destinations: OrderDestination[];
  start: number;
  end: number;
  outOfArea: boolean;
  holidayUse: boolean;
}

/** Verdict of a trip against the trip orders; every trip gets exactly one. */
export type TripVerdict =
  | 'covered'
  | 'no_order'
  | 'outside_window'
  | 'off_destinations'
  | 'wrong_driver'
  | 'out_of_area_unapproved';

/** A trip: the drive between two stops (or from the first fix to a stop). */
export interface TripFact {
  start: number;
  end: number;
  /** The stop the trip left from and the one it ended at (null at the start of history). */
  fromStop: StopFact | null;
  toStop: StopFact;
  /** Stops are the trip's ends; visits are shorter dwellings on the way, if the engine records them. */
  distanceM: number;
  /** Largest distance from the vehicle's home (its unit's designated parking), metres; null without a home. */
  maxDistanceFromHomeM: number | null;
  /** True when a valid fix of the trip lay outside every prefecture_boundary place (with margin). */
  leftBoundary: boolean;
  firstPositionId: number;
  lastPositionId: number;
  rawFrameIds: number[];
  /** IC card numbers from driver identity reports (0x0702) during or just before the trip. */
  driverCards: string[];
  /** The order that covers the trip, if any, and the verdict against orders. */
  order: TripOrderFact | null;
  verdict: TripVerdict;
  /** The stored trip's id, once the engine has saved it. */
  tripId: number | null;
}

/** Events the engine feeds to detectors, in device-time order for one vehicle. */
export type RuleEvent =
  | { type: 'fix'; fix: RuleFix }
  | { type: 'stop_started'; stop: StopFact }
  | { type: 'stop_ended'; stop: StopFact }
  | { type: 'trip_ended'; trip: TripFact }
  /** The first event of a new local date (time zone from the calendar), before the fix that crossed it. */
  | { type: 'day_started'; date: string; at: number };

/** The vehicle a detector evaluates, with its unit. */
export interface RuleVehicle {
  id: number;
  plate: string;
  unitId: number;
  usageNature: string | null;
}

/** Day type of a local date, from the editable holiday table; 'unknown' when the year has no schedule. */
export type DayType = 'workday' | 'weekend' | 'holiday' | 'unknown';

/** Read-only lookups the engine gives every detector; all are in memory during evaluation. */
export interface RuleContext {
  vehicle: RuleVehicle;
  places: PlaceIndex;
  calendar: CalendarTable;
  /** Day type of the local date of an instant. 'unknown' days are evaluated by weekday, and the alert states that the calendar was missing. */
  dayType(instant: number): DayType;
  /** Minutes after local midnight of an instant, in the calendar's time zone. */
  minuteOfDay(instant: number): number;
  /** Approved orders of this vehicle overlapping [from, to]. */
  ordersBetween(from: number, to: number): TripOrderFact[];
  /** True when the vehicle is on the approved duty roster on the local date of the instant. */
  onDutyRoster(instant: number): boolean;
  /** Driver ids registered to the vehicle's unit, keyed by IC card number. */
  unitDriverCards: ReadonlySet<string>;
  /** The vehicle's unit's designated parking places. */
  homePlaces: readonly Place[];
  /** Working hours and night window, as minutes after local midnight. */
  workingHours: { start: number; end: number }[];
  nightWindow: { start: number; end: number };
}

export type Severity = 'low' | 'medium' | 'high';

/** Evidence an alert points at, so that a reviewer can check every fact (执法有据). */
export interface AlertEvidence {
  /** Stored positions supporting the finding: a range by device time and a sample of ids. */
  positionRange: { vehicleId: number; from: number; to: number };
  positionIds: number[];
  rawFrameIds: number[];
  placeId: number | null;
  tripOrderId: number | null;
  /** True when the finding rests on the absence of any approved order. */
  orderAbsent: boolean;
  tripId: number | null;
}

/** A finding a detector reports. Drafts with the same key are one alert: the sink merges them. */
export interface AlertDraft {
  /** Merge key, stable across replays: rule code, vehicle and the subject's start (the stop, the night, the trip). */
  key: string;
  rule: RuleCode;
  vehicleId: number;
  unitId: number;
  start: number;
  end: number;
  severity: Severity;
  /** Set by the engine when the finding was made on fixes that arrived late (blind-area uploads). */
  late: boolean;
  /** The facts that support the finding, for the reviewer to weigh: durations (s), distances (m), fix counts, spread, place names, day type. */
  facts: Record<string, string | number | boolean | null>;
  evidence: AlertEvidence;
}

export interface DetectorResult<S> {
  /** The same object as the input when nothing changed. */
  state: S;
  alerts: AlertDraft[];
}

/**
 * One negative-list item or integrity check. Settings are validated by the detector's zod
 * schema when a template is saved; defaults are documented in docs/zh-CN/rules.md.
 */
export interface Detector<S, Settings> {
  code: RuleCode;
  defaults: Settings;
  /** Validates a partial override and returns the full settings. */
  parseSettings(input: unknown): Settings;
  initialState(): S;
  update(state: S, event: RuleEvent, context: RuleContext, settings: Settings): DetectorResult<S>;
}
