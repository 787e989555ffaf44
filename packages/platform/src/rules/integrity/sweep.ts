import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Logger } from '../../logger.ts';
import type { AlertDraft } from '../engine/types.ts';
import { loadCalendar } from '../calendar.ts';
import { findNeverOnline, judgeNeverOnline } from './never-online.ts';
import { findOffline, judgeOffline, lastPositionBefore } from './offline.ts';
import { saveIntegrityAlerts, type AlertPublisher, type SaveCounts } from './save.ts';
import { loadSweepRules, type SweepRules } from './sweep-rules.ts';

export interface SweepDeps {
  db: Kysely<Database>;
  logger: Logger;
  alertHub?: AlertPublisher | undefined;
  /** Whether a terminal (registry id) is connected now; a connected terminal is never offline. */
  isOnline?: ((terminalId: number) => boolean) | undefined;
  /** Settings per vehicle; read from the store on each sweep when not given. */
  rules?: SweepRules | undefined;
}

export interface SweepResult extends SaveCounts {
  neverOnline: number;
  offline: number;
}

/** Runs the registry checks once at `now`: terminals never online after installation, and terminals offline in working time. */
export async function runIntegritySweep(deps: SweepDeps, now: number): Promise<SweepResult> {
  const rules = deps.rules ?? (await loadSweepRules(deps.db, deps.logger));
  const drafts: AlertDraft[] = [];

  for (const candidate of await findNeverOnline(deps.db)) {
    const settings = rules.resolve({ id: candidate.vehicleId, unitId: candidate.unitId, usageNature: candidate.usageNature }).neverOnline;
    const draft = settings && judgeNeverOnline(candidate, now, settings);
    if (draft) drafts.push(draft);
  }
  const neverOnline = drafts.length;

  const calendar = await loadCalendar(deps.db, rules.timeZone);
  for (const candidate of await findOffline(deps.db, now)) {
    if (deps.isOnline?.(candidate.terminalId)) continue;
    const vehicleRules = rules.resolve({ id: candidate.vehicleId, unitId: candidate.unitId, usageNature: candidate.usageNature });
    if (!vehicleRules.offline) continue;
    const draft = judgeOffline(candidate, now, calendar, vehicleRules.workingHours, vehicleRules.offline);
    if (!draft) continue;
    const last = await lastPositionBefore(deps.db, candidate.vehicleId, candidate.lastSeenAt);
    if (last) {
      draft.evidence.positionIds.push(last.id);
      draft.evidence.rawFrameIds.push(last.raw_frame_id);
    }
    drafts.push(draft);
  }

  const counts = await saveIntegrityAlerts(deps, drafts, now);
  return { ...counts, neverOnline, offline: drafts.length - neverOnline };
}

export interface IntegritySweep {
  /** Runs a sweep now, after the one in progress if any. */
  runNow(): Promise<SweepResult>;
  stop(): Promise<void>;
}

/** Time between two sweeps unless configured otherwise. */
export const defaultSweepIntervalMs = 5 * 60_000;

/**
 * Starts the periodic sweep: a first run soon after start, then one per interval. A failed sweep
 * is logged and the next one runs as planned. `now` is the clock, injectable for tests.
 */
export function startIntegritySweep(deps: SweepDeps & { intervalMs?: number; now?: () => number }): IntegritySweep {
  const intervalMs = deps.intervalMs ?? defaultSweepIntervalMs;
  const clock = deps.now ?? Date.now;
  const logger = deps.logger.child({ component: 'integrity-sweep' });
  // Sweeps run one after another: a sweep asked for while one runs waits for it.
  let queue: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const runOnce = async (): Promise<SweepResult> => {
    const started = clock();
    const result = await runIntegritySweep({ ...deps, logger }, started);
    const level = result.created > 0 ? 'info' : 'debug';
    logger[level]({ ...result, ms: clock() - started }, 'integrity sweep finished');
    return result;
  };
  const sweep = (): Promise<SweepResult> => {
    const next = queue.then(runOnce);
    queue = next.catch(() => undefined);
    return next;
  };
  const scheduled = () => {
    if (stopped) return;
    sweep().catch((error: unknown) => logger.error({ err: error }, 'integrity sweep failed'));
  };

  const first = setTimeout(scheduled, 1_000);
  const timer = setInterval(scheduled, intervalMs);
  first.unref();
  timer.unref();
  logger.info({ intervalMs }, 'integrity sweep started');

  return {
    runNow: sweep,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await queue;
      logger.info('integrity sweep stopped');
    },
  };
}
