import { Worker } from 'node:worker_threads';
import type { IngestSettings, EncryptionSettings } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { requireKeyring } from '../crypto/setup.ts';
import type { IngestReport, IngestResult } from './report.ts';
import { packGroup } from './group-codec.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

/** Groups in the worker at once: one being synced while the next one commits. */
const maxGroupsInFlight = 2;

interface Pending {
  report: IngestReport;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export interface IngestObserver {
  /** Called after each committed group with the number of stored positions and the group size. */
  committed?(stored: number, reports: number, durationMs: number): void;
}

/**
 * Group commit of position reports. Each `submit` resolves only after the SQLite transaction
 * holding its report has committed (and, with FULL durability, the WAL has been synced), so
 * the gateway acknowledges a frame only when it is durable. A group closes after
 * `commitIntervalMs` or `commitMaxReports`. The commits run in a worker thread on its own
 * connection, so sealing and writing use the second core instead of the socket loop.
 */
export class IngestWriter {
  readonly #store: Store;
  readonly #settings: IngestSettings;
  readonly #encryption: EncryptionSettings;
  readonly #logger: Logger;
  readonly #observer: IngestObserver;
  #worker!: Worker;
  #ready!: Promise<void>;
  #queue: Pending[] = [];
  #inFlight = new Map<number, Pending[]>();
  #nextId = 1;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(store: Store, settings: IngestSettings, encryption: EncryptionSettings, logger: Logger, observer: IngestObserver = {}) {
    this.#store = store;
    this.#settings = settings;
    this.#encryption = encryption;
    this.#logger = logger;
    this.#observer = observer;
    this.#start();
  }

  /** Resolves once the worker has opened the store and its data keys. */
  ready(): Promise<void> {
    return this.#ready;
  }

  #start(): void {
    const master = requireKeyring(this.#store).master;
    this.#worker = new Worker(new URL('./writer-worker.mjs', import.meta.url), {
      workerData: { file: this.#store.file, synchronous: this.#store.synchronous, master, encryption: this.#encryption, ingest: this.#settings },
    });
    this.#ready = new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.kind === 'ready') resolve();
        else this.#settle(reply);
      };
      this.#worker.on('message', onMessage);
      this.#worker.once('error', (error) => {
        reject(error);
        this.#failWorker(error);
      });
    });
  }

  /** Rejects every group in flight and starts a new worker, so that terminals' resends can be stored. */
  #failWorker(error: Error): void {
    this.#logger.error({ err: error, groups: this.#inFlight.size }, 'ingest worker failed; restarting it');
    for (const group of this.#inFlight.values()) for (const p of group) p.reject(error);
    this.#inFlight.clear();
    if (this.#closed) return;
    this.#start();
    this.flush();
  }

  #settle(reply: WorkerReply): void {
    if (reply.kind !== 'committed' && reply.kind !== 'failed') return;
    const group = this.#inFlight.get(reply.id);
    if (!group) {
      if (reply.kind === 'failed') this.#logger.error({ error: reply.message }, 'ingest worker request failed');
      return;
    }
    this.#inFlight.delete(reply.id);
    if (reply.kind === 'failed') {
      const error = new AppError(reply.code ?? 'GONGCHE_ERR_INGEST_COMMIT', 500, reply.message);
      this.#logger.error({ err: error, reports: group.length }, 'ingest commit failed');
      for (const p of group) p.reject(error);
      this.flush();
      return;
    }
    const stored = reply.results.reduce((sum, r) => sum + r.stored, 0);
    this.#observer.committed?.(stored, group.length, reply.durationMs);
    group.forEach((p, i) => p.resolve(reply.results[i]!));
    this.flush();
  }

  /** Records terminals' last-seen times (ms) through the worker, without a durable sync. */
  recordLastSeen(times: [number, number][]): void {
    if (times.length > 0 && !this.#closed) this.#worker.postMessage({ kind: 'last-seen', times } satisfies WorkerRequest);
  }

  /** Reports waiting for the next commit. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a report; resolves after it is committed, rejects when the commit fails. */
  submit(report: IngestReport): Promise<IngestResult> {
    if (this.#closed) return Promise.reject(new Error('Ingest writer is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ report, resolve, reject });
      if (this.#queue.length >= this.#settings.commitMaxReports) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#settings.commitIntervalMs);
    });
  }

  /**
   * Sends every queued report to the worker now, unless a group is still being committed: then
   * the queue goes as soon as that commit returns, so groups grow with the disk's latency
   * instead of piling up behind it. Promises settle once their commit is durable.
   */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#queue.length === 0 || this.#inFlight.size >= maxGroupsInFlight) return;
    // A capped group keeps one slow commit from snowballing into ever larger ones.
    const group = this.#queue.splice(0, this.#settings.commitMaxReports);
    if (this.#queue.length > 0) this.#timer = setTimeout(() => this.flush(), this.#settings.commitIntervalMs);
    const id = this.#nextId++;
    const buffer = packGroup(group.map((p) => p.report));
    this.#inFlight.set(id, group);
    const request: WorkerRequest = { kind: 'commit', id, group: buffer };
    this.#worker.postMessage(request, [buffer]);
  }

  /** Commits what is queued, waits for every commit in flight, then stops the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#inFlight.size > 0 || this.#queue.length > 0) {
      this.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ kind: 'stop' } satisfies WorkerRequest);
      this.#worker.once('message', (reply: WorkerReply) => {
        if (reply.kind === 'stopped') void this.#worker.terminate();
      });
    });
  }
}
