import type { Store } from '../../store/db.ts';
import type { Logger } from '../../logger.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { PositionReader } from '../../ingest/sealed-rows.ts';
import { saveAlert } from '../../alerts/sink.ts';
import { alertsWithinPeriod, auditReinstatement, markNotReproduced, storedKeys, type NotReproducedAlert, type NotReproducedDetail, type PeriodAlert } from '../../alerts/withdrawal.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../../audit/log.ts';
import { settingsRevision } from '../templates/revision.ts';
import type { AlertDraft, Detector, RuleFix } from './types.ts';
import { loadBatchFacts, loadInputs, setupVehicle, type EngineInputs } from './context.ts';
import { VehicleEvaluator, type EvaluationSink } from './evaluator.ts';
import { EnginePersistence } from './persistence.ts';
import { positionsBetween, toRuleFix } from './positions.ts';
import { newVehicleState } from './state.ts';

const dayMs = 86_400_000;

/**
 * Positions this long before and after the period are evaluated too. Before: so that a stop or a
 * night that began earlier keeps the start, and so the merge key, that the live engine gave it.
 * After: so that findings decided only after their end (a trip is known to have ended once the
 * vehicle has stood still for the minimum dwell, a night once it is over) are found again.
 */
export const replayContextMs = dayMs;

export interface ReplayOptions {
  /** Device-time range [from, to), UTC ms. */
  from: number;
  to: number;
  vehicleId?: number | undefined;
  detectors: readonly Detector<unknown, unknown>[];
  logger: Logger;
  /**
   * Whether to store the alerts (merged by key), withdraw or flag those not found again, and
   * replace the range's trips. When false, the replay only reports them.
   */
  save: boolean;
  /** The audit log's actor for withdrawals, flags and reinstatements. Default: the platform itself. */
  actor?: AuditActor;
  /**
   * Device time from which all positions are kept (now minus the positions' retention). Older
   * positions may have been purged except for alerts' evidence, so alerts whose context reaches
   * before this time are neither withdrawn nor flagged. Default: every position is kept.
   */
  positionsKeptSince?: number;
  pageSize?: number;
  /** Called once the vehicles are counted, then after each vehicle is evaluated. */
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplayProgress {
  /** Vehicles evaluated so far. */
  vehiclesDone: number;
  /** Vehicles with positions in the period or its context before and after it. */
  vehiclesTotal: number;
  /** Positions of the period read so far. */
  positions: number;
}

/**
 * Lets the event loop run. better-sqlite3 runs queries synchronously, so awaiting them alone never
 * lets the process serve anything else, and a long replay in the server would stall the API.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ReplayResult {
  /** Vehicles with positions in the period. */
  vehicles: number;
  /** Number of positions in the period, not counting the context read before and after it. */
  positions: number;
  /** Trips that start in the period. */
  trips: number;
  /** One draft per alert key that starts in the period, spans merged, in start order. */
  alerts: AlertDraft[];
  /** Digest of the rule settings, templates and overrides used (src/rules/templates/revision.ts). */
  settingsRevision: string;
  /** Alerts stored for the first time (with save) or that would be (dry run). */
  created: number;
  /** Alerts found again that were already stored and supported. */
  unchanged: number;
  /** Alerts found again after an earlier replay had withdrawn or flagged them: withdrawn ones are pending again, flags are cleared. */
  reinstated: number;
  /** Pending alerts of the period that the replay did not find again: withdrawn (or, in a dry run, to be withdrawn). */
  withdrawn: NotReproducedAlert[];
  /** Alerts already in review that the replay did not find again: flagged for the reviewer, state unchanged. */
  flagged: NotReproducedAlert[];
  /** Alerts not found again but left alone, because positions around them may have been purged. */
  unchecked: number;
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
 * Evaluates stored history again with the current places, templates and settings, each vehicle
 * from an empty state a day before the period (replayContextMs) until a day after it. Only
 * findings and trips that start in the period count. The live engine's state and cursor are left
 * alone.
 *
 * With save, the alerts go through the same merge by key as live ones, so a replay over what the
 * live engine saw adds nothing, and the trips that start in the period are replaced by the
 * replay's. Stored alerts of the replayed rules that lie wholly in the period and that the replay
 * does not find again are reconciled: pending ones are withdrawn, reviewed ones are flagged
 * (src/alerts/withdrawal.ts). Alerts of vehicles without a position in the period are left alone,
 * because there was nothing to evaluate them on, and so are alerts older than positionsKeptSince.
 */
export async function replayHistory(store: Store, options: ReplayOptions): Promise<ReplayResult> {
  const inputs = await loadInputs(store.db, options.detectors);
  const revision = settingsRevision(inputs.settings, inputs.templates);
  const persistence = new EnginePersistence(store.sqlite);
  const reader = new PositionReader(requireKeyring(store));
  const found = new Map<string, AlertDraft>();
  const inPeriod = (time: number) => time >= options.from && time < options.to;
  const vehiclesInPeriod = new Set<number>();
  let positions = 0;
  let trips = 0;
  const now = Date.now();
  const sink: EvaluationSink = {
    alert: (draft) => {
      if (inPeriod(draft.start)) mergeDraft(found, draft);
    },
    trip: (record) => {
      if (!inPeriod(record.trip.start)) return null;
      trips++;
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

  const range = { from: options.from - replayContextMs, to: options.to + replayContextMs, vehicleId: options.vehicleId };
  const progress: ReplayProgress = { vehiclesDone: 0, vehiclesTotal: options.onProgress ? await countVehicles(store, range) : 0, positions: 0 };
  options.onProgress?.({ ...progress });
  let vehicleId: number | null = null;
  let pending: RuleFix[] = [];
  const flush = async () => {
    if (vehicleId === null || pending.length === 0) return;
    await evaluateVehicle(store, inputs, vehicleId, pending, options, sink);
    pending = [];
    progress.vehiclesDone++;
    progress.vehiclesTotal = Math.max(progress.vehiclesTotal, progress.vehiclesDone);
    progress.positions = positions;
    options.onProgress?.({ ...progress });
    await yieldToEventLoop();
  };
  let after: { vehicleId: number; time: number; positionId: number } | null = null;
  for (;;) {
    const rows = await positionsBetween(store.db, range, after, options.pageSize ?? 5000);
    if (rows.length === 0) break;
    for (const row of rows) {
      const fix = toRuleFix(row, reader);
      if (!fix) continue;
      if (row.vehicle_id !== vehicleId) {
        await flush();
        vehicleId = row.vehicle_id;
      }
      pending.push(fix);
      if (inPeriod(fix.time)) {
        vehiclesInPeriod.add(row.vehicle_id!);
        positions++;
      }
    }
    const last = rows[rows.length - 1]!;
    after = { vehicleId: last.vehicle_id!, time: last.device_time!, positionId: last.id };
    await yieldToEventLoop();
  }
  await flush();

  const alerts = [...found.values()].sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));
  const stored = await alertsWithinPeriod(store.db, { from: options.from, to: options.to, vehicleId: options.vehicleId, rules: options.detectors.map((d) => d.code) });
  const notFoundAll = stored.filter((alert) => vehiclesInPeriod.has(alert.vehicleId) && !found.has(alert.key));
  const keptSince = options.positionsKeptSince ?? -Infinity;
  const notFound = notFoundAll.filter((alert) => alert.start - replayContextMs >= keptSince);
  const result: ReplayResult = {
    vehicles: vehiclesInPeriod.size,
    positions,
    trips,
    alerts,
    settingsRevision: revision,
    created: 0,
    unchanged: 0,
    reinstated: 0,
    withdrawn: [],
    flagged: [],
    unchecked: notFoundAll.length - notFound.length,
  };
  const detail: NotReproducedDetail = {
    reason: 'replay_not_reproduced',
    settingsRevision: revision,
    replayFrom: new Date(options.from).toISOString(),
    replayTo: new Date(options.to).toISOString(),
    replayedAt: new Date(now).toISOString(),
  };
  if (options.save) await storeOutcome(store, options, alerts, notFound, detail, result, now);
  else await planOutcome(store, alerts, notFound, result);
  return result;
}

const withoutFlags = ({ withdrawn: _w, notReproduced: _n, ...alert }: PeriodAlert): NotReproducedAlert => alert;

/** Saves the drafts, withdraws or flags the alerts not found again, and records the replay in the audit log. */
async function storeOutcome(store: Store, options: ReplayOptions, alerts: AlertDraft[], notFound: PeriodAlert[], detail: NotReproducedDetail, result: ReplayResult, now: number): Promise<void> {
  const actor = options.actor ?? 'system';
  let written = 0;
  for (const draft of alerts) {
    if (++written % 200 === 0) await yieldToEventLoop();
    const saved = await saveAlert(store.db, draft, now);
    if (saved.created) result.created++;
    else if (saved.reinstated) {
      result.reinstated++;
      auditReinstatement(store, { id: saved.id, rule: draft.rule, key: draft.key, vehicleId: draft.vehicleId }, saved.reinstated, actor);
    } else result.unchanged++;
  }
  for (const alert of notFound) {
    if (++written % 200 === 0) await yieldToEventLoop();
    const outcome = markNotReproduced(store, alert.id, detail, actor, now);
    if (outcome === 'withdrawn') result.withdrawn.push(withoutFlags(alert));
    else if (outcome === 'flagged' || outcome === 'already_flagged') result.flagged.push(withoutFlags(alert));
  }
  appendAudit(store, {
    actor,
    action: AUDIT_ACTIONS.rulesReplayed,
    objectType: 'rules',
    detail: {
      from: detail.replayFrom,
      to: detail.replayTo,
      vehicleId: options.vehicleId ?? null,
      settingsRevision: detail.settingsRevision,
      created: result.created,
      unchanged: result.unchanged,
      reinstated: result.reinstated,
      withdrawn: result.withdrawn.map((a) => a.id),
      flagged: result.flagged.map((a) => a.id),
    },
  });
}

/** Counts what storing would do, without writing. */
async function planOutcome(store: Store, alerts: AlertDraft[], notFound: PeriodAlert[], result: ReplayResult): Promise<void> {
  const existing = await storedKeys(store.db, alerts.map((a) => a.key));
  for (const draft of alerts) {
    const stored = existing.get(draft.key);
    if (!stored) result.created++;
    else if (stored.withdrawn || stored.notReproduced) result.reinstated++;
    else result.unchanged++;
  }
  for (const alert of notFound) {
    if (alert.withdrawn) continue;
    if (alert.state === 'pending') result.withdrawn.push(withoutFlags(alert));
    else result.flagged.push(withoutFlags(alert));
  }
}

/** Counts the vehicles with positions in the range, as the replay will evaluate them, one index lookup per vehicle. */
async function countVehicles(store: Store, range: { from: number; to: number; vehicleId?: number | undefined }): Promise<number> {
  let query = store.db
    .selectFrom('vehicles')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where((eb) =>
      eb.exists(eb.selectFrom('positions').select('positions.id').whereRef('positions.vehicle_id', '=', 'vehicles.id').where('positions.device_time', '>=', range.from).where('positions.device_time', '<', range.to)),
    );
  if (range.vehicleId !== undefined) query = query.where('vehicles.id', '=', range.vehicleId);
  return Number((await query.executeTakeFirstOrThrow()).count);
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
