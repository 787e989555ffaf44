import type { Place } from '../../src/rules/places.ts';
import { chineseDaysSeedRows } from '../../src/rules/calendar-seed.ts';
import { defaultRuleSettings, type RuleSettings } from '../../src/rules/templates/settings.ts';
import type { TemplateContent } from '../../src/rules/templates/content.ts';
import type { TemplateSet } from '../../src/rules/templates/resolve.ts';
import { emptyFacts, makeInputs, setupVehicle, type BatchFacts, type EngineInputs } from '../../src/rules/engine/context.ts';
import { VehicleEvaluator, type TripRecord } from '../../src/rules/engine/evaluator.ts';
import { newVehicleState, type VehicleRuleState } from '../../src/rules/engine/state.ts';
import type { DriverReport } from '../../src/rules/engine/facts.ts';
import type { AlertDraft, Detector, RuleContext, RuleEvent, RuleFix, RuleVehicle, TripOrderFact } from '../../src/rules/engine/types.ts';
import type { FixSpec } from './rules-harness.ts';

export const testVehicle: RuleVehicle = { id: 1, plate: '新Q00001', unitId: 1, usageNature: '一般公务用车' };

const calendarRows = chineseDaysSeedRows();

/** Turns fix specs into the fixes the engine reads from the store, with ids counting up from 1. */
export function ruleFixes(specs: readonly FixSpec[], options: { firstId?: number; terminalId?: number; blindArea?: boolean } = {}): RuleFix[] {
  const firstId = options.firstId ?? 1;
  return specs.map((spec, i) => {
    const acc = spec.acc ?? true;
    const fixed = spec.fixed ?? true;
    return {
      positionId: firstId + i,
      rawFrameId: firstId + i,
      terminalId: options.terminalId ?? 1,
      time: Math.floor(new Date(spec.time).getTime() / 1000) * 1000,
      receivedAt: new Date(spec.time).getTime(),
      latitude: spec.latitude,
      longitude: spec.longitude,
      speedKmh: spec.speedKmh ?? 0,
      acc,
      alarm: spec.alarm ?? 0,
      status: spec.status ?? ((acc ? 1 : 0) | (fixed ? 2 : 0)),
      fixed,
      valid: fixed,
      blindArea: options.blindArea ?? false,
      late: false,
    };
  });
}

export interface EngineScenario {
  fixes: readonly RuleFix[];
  detectors?: readonly Detector<any, any>[];
  vehicle?: RuleVehicle;
  places?: readonly Place[];
  orders?: readonly TripOrderFact[];
  driverReports?: readonly DriverReport[];
  unitDriverCards?: Map<number, Set<string>>;
  /** `${vehicleId}|${date}` roster entries. */
  roster?: readonly string[];
  settings?: Partial<RuleSettings>;
  /** Template layers from the base up; the first becomes the base template. */
  templates?: readonly TemplateContent[];
  state?: VehicleRuleState;
}

export interface EngineRun {
  events: RuleEvent[];
  alerts: AlertDraft[];
  trips: TripRecord[];
  checkpoints: { time: number; positionId: number; state: string }[];
  state: VehicleRuleState;
  inputs: EngineInputs;
}

/** Builds the shared inputs of a scenario: the seeded calendar, its places, templates and the default settings. */
export function scenarioInputs(scenario: Omit<EngineScenario, 'fixes'>): EngineInputs {
  const vehicle = scenario.vehicle ?? testVehicle;
  const templates: TemplateSet = {
    templates: (scenario.templates ?? []).map((content, i) => ({ id: i + 1, name: `layer ${i}`, usageNature: i === 0 ? null : vehicle.usageNature, unitId: null, description: '', content })),
    assignments: new Map(),
  };
  return makeInputs({
    settings: { ...defaultRuleSettings, ...scenario.settings },
    calendarRows,
    places: scenario.places ?? [],
    templates,
    unitDriverCards: scenario.unitDriverCards ?? new Map(),
    vehicles: [vehicle],
    detectors: (scenario.detectors ?? []) as Detector<unknown, unknown>[],
  });
}

const tripIds = new Map<string, number>();

/** Returns the same id for the same vehicle and start, as the store's upsert of trips does. */
function tripIdOf(vehicleId: number, start: number): number {
  const key = `${vehicleId}|${start}`;
  if (!tripIds.has(key)) tripIds.set(key, tripIds.size + 1);
  return tripIds.get(key)!;
}

/** Runs the engine over one vehicle's fixes in memory, without a store: every event, alert, trip and checkpoint it produces. */
export function runEngine(scenario: EngineScenario): EngineRun {
  const vehicle = scenario.vehicle ?? testVehicle;
  const inputs = scenarioInputs(scenario);
  const facts: BatchFacts = emptyFacts();
  facts.orders.set(vehicle.id, (scenario.orders ?? []).filter((o) => o.vehicleId === vehicle.id));
  if (scenario.driverReports) facts.driverReports.set(vehicle.id, [...scenario.driverReports]);
  for (const entry of scenario.roster ?? []) facts.roster.add(entry);
  const run: EngineRun = { events: [], alerts: [], trips: [], checkpoints: [], state: scenario.state ?? newVehicleState(), inputs };
  const evaluator = new VehicleEvaluator(setupVehicle(inputs, facts, vehicle), {
    alert: (draft) => run.alerts.push(draft),
    trip: (record) => {
      run.trips.push(record);
      return tripIdOf(record.vehicleId, record.trip.start);
    },
    checkpoint: (_vehicleId, time, positionId, state) => run.checkpoints.push({ time, positionId, state }),
    event: (event) => run.events.push(event),
    detectorFailed: (code, _vehicleId, error) => {
      throw new Error(`detector ${code} failed`, { cause: error });
    },
  });
  evaluator.run(run.state, scenario.fixes);
  return run;
}

/** Builds a RuleContext for detector unit tests, with the seeded calendar in Asia/Shanghai and default windows. */
export function ruleContext(scenario: Omit<EngineScenario, 'fixes'> = {}): RuleContext {
  const vehicle = scenario.vehicle ?? testVehicle;
  const facts = emptyFacts();
  facts.orders.set(vehicle.id, (scenario.orders ?? []).filter((o) => o.vehicleId === vehicle.id));
  for (const entry of scenario.roster ?? []) facts.roster.add(entry);
  return setupVehicle(scenarioInputs(scenario), facts, vehicle).context;
}

/** Feeds events to one detector in order and returns its final state and every alert. */
export function evaluateEvents<S, Settings>(
  detector: Detector<S, Settings>,
  events: readonly RuleEvent[],
  context: RuleContext = ruleContext(),
  settings: Settings = detector.defaults,
): { state: S; alerts: AlertDraft[] } {
  let state = detector.initialState();
  const alerts: AlertDraft[] = [];
  for (const event of events) {
    const result = detector.update(state, event, context, settings);
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { state, alerts };
}
