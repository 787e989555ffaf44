import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/db.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import type { RuleWorkerData, RuleWorkerReply, RuleWorkerRequest, SavedAlertMessage } from './worker-protocol.ts';

export interface RuleEngineOptions {
  /** Wait between polls for new positions when the engine has caught up. Default 250 ms. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Places, templates, settings and the calendar are read again after this long. Default 5 s. */
  inputsMaxAgeMs?: number;
  /** URLs of modules whose default export is a list of detectors that replace the registered ones of the same codes. */
  detectorModules?: string[];
}

export interface RuleEngineEvents {
  alerts: [SavedAlertMessage[]];
  progress: [number];
}

/** The rules engine as the platform runs it: a worker thread, with its progress and alerts as events. */
export interface RuleEngine extends EventEmitter<RuleEngineEvents> {
  /** Highest position id evaluated, as last reported by the worker. */
  readonly cursor: number;
  /** Makes the engine read places, templates, settings and the calendar again before its next batch. */
  refresh(): void;
  stop(): Promise<void>;
}

/** First wait before a crashed engine thread is started again; it doubles with each crash in a row, up to a minute. */
const restartDelayMs = 1000;
const maxRestartDelayMs = 60_000;

/**
 * Starts the rules engine thread and returns without waiting for it to load its modules, so that
 * the rest of the platform starts meanwhile. Messages sent before it loads wait in its port. A
 * crashed thread is started again, from its stored cursor.
 */
export function startRuleEngine(deps: { store: Store; config: Config; logger: Logger }, options: RuleEngineOptions = {}): RuleEngine {
  const logger = deps.logger.child({ component: 'rules' });
  const data: RuleWorkerData = {
    file: deps.store.file,
    master: requireKeyring(deps.store).master,
    encryption: deps.config.encryption,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    batchSize: options.batchSize ?? 2000,
    inputsMaxAgeMs: options.inputsMaxAgeMs ?? 5000,
    detectorModules: options.detectorModules ?? [],
  };
  const events = new EventEmitter<RuleEngineEvents>();
  let cursor = 0;
  let stopping = false;
  let crashes = 0;
  let worker!: Worker;
  let running = false;

  const spawn = () => {
    worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: data });
    running = true;
    worker.on('message', (message: RuleWorkerReply) => {
      if (message.kind === 'ready') cursor = message.cursor;
      else if (message.kind === 'progress') {
        crashes = 0;
        cursor = message.cursor;
        events.emit('progress', cursor);
      } else if (message.kind === 'alerts') events.emit('alerts', message.alerts);
    });
    worker.on('error', (error) => logger.error({ err: error }, 'rules engine thread failed'));
    worker.once('exit', (code) => {
      running = false;
      if (stopping) return;
      const delayMs = Math.min(maxRestartDelayMs, restartDelayMs * 2 ** crashes++);
      logger.error({ code, delayMs }, 'rules engine thread exited; restarting it from its cursor');
      setTimeout(() => {
        if (!stopping) spawn();
      }, delayMs).unref();
    });
  };
  spawn();

  const post = (request: RuleWorkerRequest) => worker.postMessage(request);
  return Object.assign(events, {
    get cursor() {
      return cursor;
    },
    refresh: () => post({ kind: 'refresh' }),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        if (!running) return resolve();
        worker.once('exit', () => resolve());
        worker.on('message', (message: RuleWorkerReply) => {
          if (message.kind === 'stopped') void worker.terminate();
        });
        post({ kind: 'stop' });
      }),
  });
}
