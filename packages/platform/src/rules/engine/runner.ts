import type { Store } from '../../store/db.ts';
import type { Logger } from '../../logger.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { PositionReader } from '../../ingest/sealed-rows.ts';
import type { AlertDraft, Detector, RuleFix } from './types.ts';
import { loadBatchFacts, loadInputs, setupVehicle, type BatchFacts, type EngineInputs } from './context.ts';
import { VehicleEvaluator, type EvaluationSink, type TripRecord } from './evaluator.ts';
import { EnginePersistence } from './persistence.ts';
import { positionsAfter, toRuleFix, vehiclePositionsAfter } from './positions.ts';
import { compareKeys, newVehicleState, parseVehicleState, type VehicleRuleState } from './state.ts';
import { saveAlert } from '../../alerts/sink.ts';
import { auditReinstatement } from '../../alerts/withdrawal.ts';
import { BoundaryTracker } from './boundary.ts';

const dayMs = 86_400_000;

export interface RunnerOptions {
  store: Store;
  logger: Logger;
  detectors: readonly Detector<unknown, unknown>[];
  /** Positions read per batch. */
  batchSize?: number;
  /** Shared inputs (places, templates, settings, calendar) are read again after this long. */
  inputsMaxAgeMs?: number;
  /** While catching up on a backlog, vehicle states and the cursor are stored at most this often; once caught up, after every batch. */
  stateFlushMs?: number;
  /** Called with every alert saved, after the batch that found it is committed. */
  onAlerts?(alerts: SavedAlert[]): void;
}

export interface SavedAlert {
  id: number;
  created: boolean;
  draft: AlertDraft;
}

export interface StepResult {
  positions: number;
  alerts: number;
  created: number;
  /** Vehicles whose late positions made the engine evaluate stored history again. */
  rewound: number;
  cursor: number;
}

/** One vehicle's part of a batch, ready to evaluate. */
interface VehicleWork {
  vehicleId: number;
  state: VehicleRuleState;
  fixes: RuleFix[];
  /** Set when late positions made the engine restore a checkpoint: the order key restored from (null: from an empty state). */
  rewindFrom: { time: number; positionId: number } | null | undefined;
  /** With rewindFrom null: the device time the evaluation starts again from, or undefined for the start of the vehicle's history. */
  rewindSince?: number | undefined;
}

/**
 * The live rules engine. It reads committed positions after its cursor in batches and evaluates
 * each vehicle's positions in device-time order. It stores trips and checkpoints and saves alerts
 * before it stores the cursor, so a restart evaluates the unfinished positions again, and the trip
 * upsert and the alert merge key keep that from duplicating anything.
 */
export class RuleRunner {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #options: RunnerOptions;
  readonly #persistence: EnginePersistence;
  readonly #states = new Map<number, VehicleRuleState>();
  readonly #boundaries = new Map<number, BoundaryTracker>();
  #inputs: EngineInputs | null = null;
  #inputsAt = 0;
  #cursor: number | null = null;
  /** The cursor as last stored. */
  #storedCursor: number | null = null;
  /** Vehicles whose state in memory is newer than the stored one. */
  readonly #dirty = new Set<number>();
  #flushedAt = Date.now();
  #failedDetectors = new Map<string, number>();

  static readonly cursorName = 'live';

  constructor(options: RunnerOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#persistence = new EnginePersistence(options.store.sqlite);
  }

  /** Makes the next batch read places, templates, settings and the calendar again. */
  refresh(): void {
    this.#inputsAt = 0;
  }

  get cursor(): number {
    if (this.#cursor === null) {
      this.#cursor = this.#persistence.cursor(RuleRunner.cursorName);
      this.#storedCursor = this.#cursor;
    }
    return this.#cursor;
  }

  async #ensureInputs(force = false): Promise<EngineInputs> {
    const maxAge = this.#options.inputsMaxAgeMs ?? 5000;
    if (force || !this.#inputs || Date.now() - this.#inputsAt > maxAge) {
      const before = this.#inputs;
      this.#inputs = await loadInputs(this.#store.db, this.#options.detectors, before ?? undefined);
      const boundaryChanged = this.#inputs.places !== before?.places || this.#inputs.settings.places.boundaryMarginM !== before.settings.places.boundaryMarginM;
      if (boundaryChanged) this.#boundaries.clear();
      this.#inputsAt = Date.now();
    }
    return this.#inputs;
  }

  /** Evaluates the next batch of positions; returns what it did (positions 0 when nothing was waiting). */
  async step(): Promise<StepResult> {
    const cursor = this.cursor;
    const batchSize = this.#options.batchSize ?? 2000;
    const rows = await positionsAfter(this.#store.db, cursor, batchSize);
    if (rows.length === 0) {
      this.flush();
      return { positions: 0, alerts: 0, created: 0, rewound: 0, cursor };
    }
    const maxId = rows[rows.length - 1]!.id;
    let inputs = await this.#ensureInputs();
    const reader = new PositionReader(requireKeyring(this.#store));

    const byVehicle = new Map<number, RuleFix[]>();
    for (const row of rows) {
      const fix = toRuleFix(row, reader);
      if (!fix) continue;
      const list = byVehicle.get(row.vehicle_id!);
      if (list) list.push(fix);
      else byVehicle.set(row.vehicle_id!, [fix]);
    }
    if ([...byVehicle.keys()].some((id) => !inputs.vehicles.has(id))) inputs = await this.#ensureInputs(true);

    const work: VehicleWork[] = [];
    for (const [vehicleId, fixes] of byVehicle) {
      if (!inputs.vehicles.has(vehicleId)) {
        this.#logger.warn({ vehicleId, positions: fixes.length }, 'positions of an unknown vehicle skipped by the rules');
        continue;
      }
      fixes.sort((a, b) => compareKeys(a.time, a.positionId, b.time, b.positionId));
      work.push(await this.#prepare(inputs, vehicleId, fixes, cursor, maxId, reader));
    }
    const times = work.flatMap((w) => (w.fixes.length > 0 ? [w.fixes[0]!.time, w.fixes[w.fixes.length - 1]!.time] : []));
    if (times.length === 0) {
      // Nothing to evaluate: positions without a vehicle or a device time, or of unknown vehicles.
      this.#cursor = maxId;
      if (rows.length < batchSize || Date.now() - this.#flushedAt >= (this.#options.stateFlushMs ?? 5000)) this.flush();
      return { positions: rows.length, alerts: 0, created: 0, rewound: 0, cursor: maxId };
    }
    const facts = await loadBatchFacts(this.#store.db, inputs, work.map((w) => w.vehicleId), Math.min(...times), Math.max(...times));

    let alerts: AlertDraft[];
    try {
      alerts = this.#evaluate(inputs, facts, work);
      const saved = await this.#saveAlerts(alerts);
      for (const w of work) this.#dirty.add(w.vehicleId);
      this.#cursor = maxId;
      if (rows.length < batchSize || Date.now() - this.#flushedAt >= (this.#options.stateFlushMs ?? 5000)) this.flush();
      if (saved.length > 0) this.#options.onAlerts?.(saved);
      return { positions: rows.length, alerts: alerts.length, created: saved.filter((s) => s.created).length, rewound: work.filter((w) => w.rewindFrom !== undefined).length, cursor: maxId };
    } catch (error) {
      // The states in memory may be ahead of the stored ones: go back to the stored states and cursor.
      this.#states.clear();
      this.#dirty.clear();
      this.#cursor = null;
      throw error;
    }
  }

  /**
   * Stores the changed vehicle states with the cursor in one transaction. A restart continues from
   * there: positions evaluated since are evaluated again, which stores the same trips and merges
   * into the same alerts.
   */
  flush(): void {
    if (this.#cursor === null || (this.#dirty.size === 0 && this.#cursor === this.#storedCursor)) return;
    const now = Date.now();
    this.#persistence.transaction(() => {
      for (const vehicleId of this.#dirty) {
        const state = this.#states.get(vehicleId);
        if (!state || state.lastTime === null) continue;
        this.#persistence.saveState(vehicleId, JSON.stringify(state), state.lastTime, state.lastPositionId!, now);
      }
      this.#persistence.setCursor(RuleRunner.cursorName, this.#cursor!, now);
    });
    this.#dirty.clear();
    this.#storedCursor = this.#cursor;
    this.#flushedAt = now;
  }

  #loadState(vehicleId: number): VehicleRuleState {
    let state = this.#states.get(vehicleId);
    if (!state) {
      const json = this.#persistence.state(vehicleId);
      state = json ? parseVehicleState(json) : newVehicleState();
      this.#states.set(vehicleId, state);
    }
    return state;
  }

  /**
   * Loads the vehicle's state. When the batch contains a position older than the last one evaluated
   * (a blind-area upload after newer live reports), restores the latest checkpoint before it and
   * reads the vehicle's stored positions after the checkpoint again, so that everything is
   * evaluated in device-time order; the positions new in this batch and older than the old last
   * position are marked late.
   */
  async #prepare(inputs: EngineInputs, vehicleId: number, fixes: RuleFix[], cursor: number, maxId: number, reader: PositionReader): Promise<VehicleWork> {
    const state = this.#loadState(vehicleId);
    const first = fixes[0]!;
    if (state.lastTime === null || compareKeys(first.time, first.positionId, state.lastTime, state.lastPositionId!) > 0) {
      return { vehicleId, state, fixes, rewindFrom: undefined };
    }
    const last = { time: state.lastTime, positionId: state.lastPositionId! };
    const checkpoint = this.#persistence.checkpointBefore(vehicleId, first.time, first.positionId);
    const restored = checkpoint ? parseVehicleState(checkpoint.state) : newVehicleState();
    const from = checkpoint ? { time: checkpoint.time, positionId: checkpoint.positionId } : null;
    // Without a checkpoint before the late position, the vehicle's history starts after its oldest
    // checkpoint was pruned, or within its first day: evaluate from the late position's day, or from the start.
    const since = !checkpoint && this.#persistence.hasCheckpoints(vehicleId) ? inputs.clock.startOfDay(first.time) : undefined;
    if (since !== undefined) this.#logger.warn({ vehicleId, lateTime: new Date(first.time).toISOString() }, 'late position older than every kept checkpoint; evaluating its day from an empty state');
    const rows = await vehiclePositionsAfter(this.#store.db, vehicleId, from, maxId, since);
    const replayed: RuleFix[] = [];
    for (const row of rows) {
      const fix = toRuleFix(row, reader);
      if (!fix) continue;
      fix.late = fix.positionId > cursor && compareKeys(fix.time, fix.positionId, last.time, last.positionId) < 0;
      replayed.push(fix);
    }
    this.#states.set(vehicleId, restored);
    this.#logger.info({ vehicleId, lateFixes: replayed.filter((f) => f.late).length, reevaluated: replayed.length, from: from && new Date(from.time).toISOString() }, 'late positions: evaluating the vehicle again from a checkpoint');
    return { vehicleId, state: restored, fixes: replayed, rewindFrom: from, rewindSince: since };
  }

  /**
   * Evaluates the batch's vehicles, each in its own transaction that also stores its trips and
   * checkpoints, and returns the alerts found. A transaction per vehicle holds the write lock
   * only briefly, so the ingest thread's commits wait milliseconds, not a whole batch's evaluation.
   * A crash between two vehicles is harmless: the cursor has not moved, and trips, checkpoints and
   * alerts are stored by key, so the batch is evaluated again without duplicates.
   */
  #evaluate(inputs: EngineInputs, facts: BatchFacts, work: VehicleWork[]): AlertDraft[] {
    const alerts: AlertDraft[] = [];
    const now = Date.now();
    const persistence = this.#persistence;
    const checkpointed = new Set<number>();
    const sink: EvaluationSink = {
      alert: (draft) => alerts.push(draft),
      trip: (record: TripRecord) => persistence.saveTrip(record, now),
      checkpoint: (vehicleId, time, positionId, state) => {
        persistence.saveCheckpoint(vehicleId, time, positionId, state, now);
        checkpointed.add(vehicleId);
      },
      detectorFailed: (code, vehicleId, error) => this.#detectorFailed(code, vehicleId, error),
    };
    for (const w of work) {
      persistence.transaction(() => {
        if (w.rewindFrom !== undefined) {
          // Trips decided before the point evaluated again are kept; the evaluation decides the rest again.
          persistence.dropTripsDecidedAfter(w.vehicleId, w.rewindFrom?.time ?? (w.rewindSince === undefined ? -Infinity : w.rewindSince - 1));
          persistence.dropCheckpointsAfter(w.vehicleId, w.rewindFrom);
        }
        const vehicle = inputs.vehicles.get(w.vehicleId)!;
        let boundary = this.#boundaries.get(w.vehicleId);
        if (!boundary) {
          boundary = new BoundaryTracker(inputs.places, inputs.settings.places.boundaryMarginM);
          this.#boundaries.set(w.vehicleId, boundary);
        }
        new VehicleEvaluator(setupVehicle(inputs, facts, vehicle, this.#logger, boundary), sink).run(w.state, w.fixes);
        if (checkpointed.has(w.vehicleId) && w.state.lastTime !== null) {
          persistence.pruneCheckpoints(w.vehicleId, w.state.lastTime - inputs.settings.checkpointDays * dayMs);
        }
      });
    }
    return alerts;
  }

  async #saveAlerts(alerts: AlertDraft[]): Promise<SavedAlert[]> {
    if (alerts.length === 0) return [];
    const now = Date.now();
    const saved: SavedAlert[] = [];
    for (const draft of alerts) {
      const result = await saveAlert(this.#store.db, draft, now);
      // A replay had withdrawn or flagged this finding, and the current settings detect it again.
      if (result.reinstated) auditReinstatement(this.#store, { id: result.id, rule: draft.rule, key: draft.key, vehicleId: draft.vehicleId }, result.reinstated, 'system');
      saved.push({ id: result.id, created: result.created, draft });
    }
    return saved;
  }

  /** Logs a detector's failure, the first time and then every 1,000th time per rule. */
  #detectorFailed(code: string, vehicleId: number, error: unknown): void {
    const count = (this.#failedDetectors.get(code) ?? 0) + 1;
    this.#failedDetectors.set(code, count);
    if (count === 1 || count % 1000 === 0) this.#logger.error({ err: error, rule: code, vehicleId, failures: count }, 'detector failed on an event; event skipped for this rule');
  }
}
