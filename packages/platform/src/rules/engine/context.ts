import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import { buildCalendarTable, dayType as classifyDay, type CalendarTable } from '../calendar.ts';
import { PlaceIndex, type Place } from '../places.ts';
import { loadRuleSettings, type RuleSettings } from '../templates/settings.ts';
import { loadTemplateSet, resolveRules, type ResolvedRules, type TemplateSet } from '../templates/resolve.ts';
import type { Detector, DayType, RuleContext, RuleVehicle, TripOrderFact } from './types.ts';
import { factReaders, type DriverReport } from './facts.ts';
import { LocalClock } from './local-clock.ts';
import { BoundaryTracker } from './boundary.ts';

/** Inputs shared by every vehicle's evaluation, read once and refreshed when they may have changed. */
export interface EngineInputs {
  /** Count, highest id and latest change of the places table, to tell whether places must be read again. */
  placesVersion: string;
  settings: RuleSettings;
  clock: LocalClock;
  calendar: CalendarTable;
  places: readonly Place[];
  /**
   * Every place but the prefecture boundaries: a vehicle is never "at" a boundary, whose thousands
   * of vertices would otherwise be tested on every lookup. BoundaryTracker evaluates them instead.
   */
  index: PlaceIndex;
  placeById: Map<number, Place>;
  homePlacesByUnit: Map<number, Place[]>;
  templates: TemplateSet;
  unitDriverCards: Map<number, Set<string>>;
  vehicles: Map<number, RuleVehicle>;
  detectors: readonly Detector<unknown, unknown>[];
  /** Rules resolved per vehicle, kept as long as these inputs are: resolving parses every detector's settings. */
  rulesByVehicle: Map<number, ResolvedRules>;
}

/** Orders, driver reports and the duty roster for the positions of one batch. */
export interface BatchFacts {
  orders: Map<number, TripOrderFact[]>;
  driverReports: Map<number, DriverReport[]>;
  /** `${vehicleId}|${date}` of every roster entry. */
  roster: Set<string>;
}

export const emptyFacts = (): BatchFacts => ({ orders: new Map(), driverReports: new Map(), roster: new Set() });

function homePlaces(places: readonly Place[]): Map<number, Place[]> {
  const byUnit = new Map<number, Place[]>();
  for (const place of places) {
    if (place.category !== 'designated_parking' || place.unitId === null) continue;
    byUnit.set(place.unitId, [...(byUnit.get(place.unitId) ?? []), place]);
  }
  return byUnit;
}

/** Builds the shared inputs from values in memory (the benchmark and unit tests use this directly). */
export function makeInputs(parts: {
  placesVersion?: string;
  /** Inputs whose places, index and home places are reused (the places did not change). */
  samePlacesAs?: EngineInputs;
  settings: RuleSettings;
  calendarRows: Parameters<typeof buildCalendarTable>[0];
  places: readonly Place[];
  templates: TemplateSet;
  unitDriverCards?: Map<number, Set<string>>;
  vehicles: readonly RuleVehicle[];
  detectors: readonly Detector<unknown, unknown>[];
}): EngineInputs {
  const same = parts.samePlacesAs;
  return {
    placesVersion: parts.placesVersion ?? '',
    settings: parts.settings,
    clock: new LocalClock(parts.settings.timeZone),
    calendar: buildCalendarTable(parts.calendarRows, parts.settings.timeZone),
    places: same?.places ?? parts.places,
    index: same?.index ?? new PlaceIndex(parts.places.filter((p) => p.category !== 'prefecture_boundary')),
    placeById: same?.placeById ?? new Map(parts.places.map((p) => [p.id, p])),
    homePlacesByUnit: same?.homePlacesByUnit ?? homePlaces(parts.places),
    templates: parts.templates,
    unitDriverCards: parts.unitDriverCards ?? new Map(),
    vehicles: new Map(parts.vehicles.map((v) => [v.id, v])),
    detectors: parts.detectors,
    rulesByVehicle: new Map(),
  };
}

/** Reads the vehicles the rules evaluate, with their unit and usage nature. */
export async function loadRuleVehicles(db: Kysely<Database>): Promise<RuleVehicle[]> {
  const rows = await db.selectFrom('vehicles').select(['id', 'plate', 'unit_id', 'usage_nature']).execute();
  return rows.map((row) => ({ id: row.id, plate: row.plate, unitId: row.unit_id, usageNature: row.usage_nature }));
}

async function placesVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('places')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('id').as('maxId'), eb.fn.max('updated_at').as('changed')])
    .executeTakeFirst();
  return `${row?.count ?? 0}|${row?.maxId ?? 0}|${row?.changed ?? 0}`;
}

/**
 * Reads every shared input from the store. Places, tens of thousands of shapes with their index,
 * are read again only when the places table changed since `previous`.
 */
export async function loadInputs(db: Kysely<Database>, detectors: readonly Detector<unknown, unknown>[], previous?: EngineInputs): Promise<EngineInputs> {
  const facts = factReaders;
  const settings = await loadRuleSettings(db);
  const version = await placesVersion(db);
  const samePlaces = previous?.placesVersion === version ? previous : undefined;
  const [calendarRows, places, templates, unitDriverCards, vehicles] = await Promise.all([
    db.selectFrom('calendar_days').selectAll().execute(),
    samePlaces ? samePlaces.places : facts.loadPlaces(db),
    loadTemplateSet(db),
    facts.loadUnitDriverCards(db),
    loadRuleVehicles(db),
  ]);
  return makeInputs({
    placesVersion: version,
    samePlacesAs: samePlaces,
    settings,
    calendarRows: calendarRows as Parameters<typeof buildCalendarTable>[0],
    places,
    templates,
    unitDriverCards,
    vehicles,
    detectors,
  });
}

const dayMs = 86_400_000;

/** Reads the orders, driver reports and roster that positions of these vehicles between from and to may need. */
export async function loadBatchFacts(db: Kysely<Database>, inputs: EngineInputs, vehicleIds: readonly number[], from: number, to: number): Promise<BatchFacts> {
  const facts = factReaders;
  // Trips may have begun days before the batch's first position: look back far enough for their orders and driver cards.
  const orders = await facts.loadApprovedOrders(db, { from: from - 7 * dayMs, to: to + dayMs });
  const byVehicle = new Map<number, TripOrderFact[]>();
  for (const order of orders) byVehicle.set(order.vehicleId, [...(byVehicle.get(order.vehicleId) ?? []), order]);
  const driverReports = new Map<number, DriverReport[]>();
  for (const vehicleId of vehicleIds) {
    const reports = await facts.loadDriverReports(db, { vehicleId, from: from - 2 * dayMs, to });
    if (reports.length > 0) driverReports.set(vehicleId, [...reports].sort((a, b) => a.time - b.time));
  }
  const roster = await facts.loadDutyRoster(db, { from: inputs.clock.date(from - dayMs), to: inputs.clock.date(to) });
  return { orders: byVehicle, driverReports, roster: new Set(roster.map((r) => `${r.vehicleId}|${r.date}`)) };
}

/** Everything one vehicle's evaluation needs besides its state. */
export interface VehicleSetup {
  vehicle: RuleVehicle;
  context: RuleContext;
  rules: ResolvedRules;
  boundary: BoundaryTracker;
  placeById: ReadonlyMap<number, Place>;
  driverReports: readonly DriverReport[];
  settings: RuleSettings;
  clock: LocalClock;
}

/** Builds the context, rules and boundary tracker of one vehicle. */
export function setupVehicle(inputs: EngineInputs, facts: BatchFacts, vehicle: RuleVehicle, logger?: Logger, boundary?: BoundaryTracker): VehicleSetup {
  let rules = inputs.rulesByVehicle.get(vehicle.id);
  if (!rules) {
    rules = resolveRules(inputs.templates, vehicle, inputs.detectors, inputs.settings, logger);
    inputs.rulesByVehicle.set(vehicle.id, rules);
  }
  const orders = facts.orders.get(vehicle.id) ?? [];
  const { clock, calendar } = inputs;
  const dayTypes = new Map<string, DayType>();
  const dayTypeOf = (instant: number): DayType => {
    const date = clock.date(instant);
    let type = dayTypes.get(date);
    if (type === undefined) {
      type = classifyDay(calendar, date).type;
      dayTypes.set(date, type);
    }
    return type;
  };
  const context: RuleContext = {
    vehicle,
    places: inputs.index,
    calendar,
    dayType: dayTypeOf,
    minuteOfDay: (instant) => clock.minuteOfDay(instant),
    ordersBetween: (from, to) => orders.filter((o) => o.start <= to && o.end >= from),
    onDutyRoster: (instant) => facts.roster.has(`${vehicle.id}|${clock.date(instant)}`),
    unitDriverCards: inputs.unitDriverCards.get(vehicle.unitId) ?? new Set(),
    homePlaces: inputs.homePlacesByUnit.get(vehicle.unitId) ?? [],
    workingHours: rules.workingHours,
    nightWindow: rules.nightWindow,
  };
  return {
    vehicle,
    context,
    rules,
    boundary: boundary ?? new BoundaryTracker(inputs.places, inputs.settings.places.boundaryMarginM),
    placeById: inputs.placeById,
    driverReports: facts.driverReports.get(vehicle.id) ?? [],
    settings: inputs.settings,
    clock,
  };
}
