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
  /** URLs of modules whose default export is a list of extra detectors. */
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

const restartDelayMs = 1000;

/** Starts the rules engine thread; restarts it after a crash, from its stored cursor. */
export async function startRuleEngine(deps: { store: Store; config: Config; logger: Logger }, options: RuleEngineOptions = {}): Promise<RuleEngine> {
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
  let worker!: Worker;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: data });
      worker.on('message', (message: RuleWorkerReply) => {
        if (message.kind === 'ready') {
          cursor = message.cursor;
          resolve();
        } else if (message.kind === 'progress') {
          cursor = message.cursor;
          events.emit('progress', cursor);
        } else if (message.kind === 'alerts') events.emit('alerts', message.alerts);
      });
      worker.once('error', (error) => {
        reject(error);
        logger.error({ err: error }, 'rules engine thread failed');
      });
      worker.once('exit', (code) => {
        if (stopping) return;
        logger.error({ code }, 'rules engine thread exited; restarting it from its cursor');
        setTimeout(() => void spawn().catch(() => {}), restartDelayMs).unref();
      });
    });
  await spawn();

  const post = (request: RuleWorkerRequest) => worker.postMessage(request);
  return Object.assign(events, {
    get cursor() {
      return cursor;
    },
    refresh: () => post({ kind: 'refresh' }),
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        worker.once('exit', () => resolve());
        worker.on('message', (message: RuleWorkerReply) => {
          if (message.kind === 'stopped') void worker.terminate();
        });
        post({ kind: 'stop' });
      }),
  });
}
