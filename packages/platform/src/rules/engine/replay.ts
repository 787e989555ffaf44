import type { Store } from '../../store/db.ts';
import type { Logger } from '../../logger.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { PositionReader } from '../../ingest/sealed-rows.ts';
import { saveAlert } from '../../alerts/sink.ts';
import type { AlertDraft, Detector, RuleFix } from './types.ts';
import { loadBatchFacts, loadInputs, setupVehicle, type EngineInputs } from './context.ts';
import { VehicleEvaluator, type EvaluationSink } from './evaluator.ts';
import { EnginePersistence } from './persistence.ts';
import { positionsBetween, toRuleFix } from './positions.ts';
import { newVehicleState } from './state.ts';

export interface ReplayOptions {
  /** Device-time range [from, to), UTC ms. */
  from: number;
  to: number;
  vehicleId?: number | undefined;
  detectors: readonly Detector<unknown, unknown>[];
  logger: Logger;
  /** Store the alerts (merged by key) and replace the range's trips; false only reports them. */
  save: boolean;
  pageSize?: number;
}

export interface ReplayResult {
  vehicles: number;
  positions: number;
  trips: number;
  /** One draft per alert key, spans merged, in start order. */
  alerts: AlertDraft[];
  /** With save: alerts that did not exist before the replay. */
  created: number;
}

/** Merges a draft into the one with the same key: the span grows to cover both, the newer facts win. */
function mergeDraft(found: Map<string, AlertDraft>, draft: AlertDraft): void {
  const before = found.get(draft.key);
  if (!before) {
    found.set(draft.key, draft);
    return;
  }
  found.set(draft.key, { ...draft, start: Math.min(before.start, draft.start), end: Math.max(before.end, draft.end), late: before.late || draft.late });
}

/**
 * Evaluates stored history again, each vehicle from an empty state at the range's start, with the
 * current places, templates and settings. The live engine's state and cursor are left alone. With
 * save, the alerts go through the same merge by key as live ones, so a replay over what the live
 * engine saw adds nothing, and the trips that start in the range are replaced by the replay's.
 */
export async function replayHistory(store: Store, options: ReplayOptions): Promise<ReplayResult> {
  const inputs = await loadInputs(store.db, options.detectors);
  const persistence = new EnginePersistence(store.sqlite);
  const reader = new PositionReader(requireKeyring(store));
  const found = new Map<string, AlertDraft>();
  const result: ReplayResult = { vehicles: 0, positions: 0, trips: 0, alerts: [], created: 0 };
  const now = Date.now();
  const sink: EvaluationSink = {
    alert: (draft) => mergeDraft(found, draft),
    trip: (record) => {
      result.trips++;
      return options.save ? persistence.saveTrip(record, now) : null;
    },
    checkpoint: () => {},
    detectorFailed: (code, vehicleId, error) => options.logger.error({ err: error, rule: code, vehicleId }, 'detector failed during replay; event skipped for this rule'),
  };

  if (options.save) {
    let query = store.db.deleteFrom('trips').where('start_time', '>=', options.from).where('start_time', '<', options.to);
    if (options.vehicleId !== undefined) query = query.where('vehicle_id', '=', options.vehicleId);
    await query.execute();
  }

  let vehicleId: number | null = null;
  let pending: RuleFix[] = [];
  const flush = async () => {
    if (vehicleId === null || pending.length === 0) return;
    await evaluateVehicle(store, inputs, vehicleId, pending, options, sink);
    pending = [];
  };
  let after: { vehicleId: number; time: number; positionId: number } | null = null;
  for (;;) {
    const rows = await positionsBetween(store.db, options, after, options.pageSize ?? 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      const fix = toRuleFix(row, reader);
      if (!fix) continue;
      if (row.vehicle_id !== vehicleId) {
        await flush();
        vehicleId = row.vehicle_id;
        result.vehicles++;
      }
      pending.push(fix);
      result.positions++;
    }
    const last = rows[rows.length - 1]!;
    after = { vehicleId: last.vehicle_id!, time: last.device_time!, positionId: last.id };
  }
  await flush();

  result.alerts = [...found.values()].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  if (options.save) {
    for (const draft of result.alerts) if ((await saveAlert(store.db, draft, now)).created) result.created++;
  }
  return result;
}

/** Evaluates one vehicle's fixes, with its orders and driver reports over the fixes' span. */
async function evaluateVehicle(store: Store, inputs: EngineInputs, vehicleId: number, fixes: RuleFix[], options: ReplayOptions, sink: EvaluationSink): Promise<void> {
  const vehicle = inputs.vehicles.get(vehicleId);
  if (!vehicle) {
    options.logger.warn({ vehicleId, positions: fixes.length }, 'positions of an unknown vehicle skipped by the replay');
    return;
  }
  const facts = await loadBatchFacts(store.db, inputs, [vehicleId], fixes[0]!.time, fixes[fixes.length - 1]!.time);
  new VehicleEvaluator(setupVehicle(inputs, facts, vehicle, options.logger), sink).run(newVehicleState(), fixes);
}
