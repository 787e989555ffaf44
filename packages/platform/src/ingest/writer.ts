import type { Position } from '@gongche/jt808';
import type { IngestSettings } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import { assessPosition } from './assess.ts';
import { deviceTimeOrder, type IngestReport, type IngestResult } from './report.ts';
import { dedupeKey, encodePositionValues } from './position-record.ts';
import { frameAad, positionAad } from './sealed-rows.ts';
import { requireKeyring } from '../crypto/setup.ts';
import type { Sealer } from '../crypto/envelope.ts';
import { prepareIngestStatements, type IngestStatements } from './statements.ts';
import { WalSync } from './wal-sync.ts';

interface Pending {
  report: IngestReport;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export interface IngestObserver {
  /** Called after each committed group with the number of stored positions and the group size. */
  committed?(stored: number, reports: number, durationMs: number): void;
}

const emergencyBit = 1;

/**
 * Group commit of position reports. Each `submit` resolves only after the SQLite
 * transaction holding its report has committed, so the gateway acknowledges a frame
 * only when it is durable. A group closes after `commitIntervalMs` or `commitMaxReports`.
 */
export class IngestWriter {
  readonly #statements: IngestStatements;
  readonly #store: Store;
  readonly #settings: IngestSettings;
  readonly #logger: Logger;
  readonly #observer: IngestObserver;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** Set when commits must survive power loss: they then run at NORMAL and the WAL is synced off-thread. */
  readonly #walSync: WalSync | null;
  readonly #dedupeSecret: Buffer;

  constructor(store: Store, settings: IngestSettings, logger: Logger, observer: IngestObserver = {}) {
    this.#store = store;
    this.#statements = prepareIngestStatements(store.sqlite);
    this.#settings = settings;
    this.#logger = logger;
    this.#observer = observer;
    this.#walSync = store.synchronous === 'FULL' && store.file !== ':memory:' ? new WalSync(store.file) : null;
    this.#dedupeSecret = requireKeyring(store).master.dedupeKey;
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

  /** Commits every queued report now; their promises settle once the commit is durable. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const group = this.#queue;
    if (group.length === 0) return;
    this.#queue = [];
    const started = performance.now();
    let results: IngestResult[];
    try {
      results = this.#commit(group);
    } catch (error) {
      this.#logger.error({ err: error, reports: group.length }, 'ingest commit failed');
      for (const p of group) p.reject(error);
      return;
    }
    const settle = () => {
      const stored = results.reduce((sum, r) => sum + r.stored, 0);
      this.#observer.committed?.(stored, group.length, performance.now() - started);
      group.forEach((p, i) => p.resolve(results[i]!));
    };
    if (!this.#walSync) return settle();
    this.#walSync.sync().then(settle, (error: unknown) => {
      this.#logger.error({ err: error, reports: group.length }, 'WAL sync failed after commit');
      for (const p of group) p.reject(error);
    });
  }

  #commit(group: Pending[]): IngestResult[] {
    // One sealer per group: its single SM4 key stream saves a cipher set-up per value.
    const sealer = requireKeyring(this.#store).sealer();
    const write = this.#store.sqlite.transaction(() => group.map((p) => this.#write(p.report, sealer)));
    if (!this.#walSync) return write();
    // Nothing else runs on this connection until the synchronous mode is restored.
    this.#store.sqlite.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.#store.sqlite.pragma('synchronous = FULL');
    }
  }

  /** Commits what is queued and refuses further reports. */
  close(): void {
    this.flush();
    this.#closed = true;
    this.#walSync?.close();
  }

  #write(report: IngestReport, sealer: Sealer): IngestResult {
    const { terminal, header, receivedAt } = report;
    const sealedFrame = sealer.seal(report.content, frameAad(terminal.id, header.messageId, header.serial, receivedAt));
    const frame = this.#statements.insertFrame.run(terminal.id, receivedAt, header.messageId, header.serial, sealedFrame);
    const rawFrameId = Number(frame.lastInsertRowid);
    const result: IngestResult = { rawFrameId, stored: 0, duplicates: 0, invalid: [], emergencyAlarmOpened: false };

    for (const index of deviceTimeOrder(report.positions)) {
      const position = report.positions[index]!;
      const reason = assessPosition(terminal.track, position, receivedAt, this.#settings);
      if (reason) result.invalid.push({ index, reason });
      const inserted = this.#insertPosition(report, rawFrameId, index, reason, sealer);
      if (inserted) result.stored++;
      else result.duplicates++;
    }
    if (result.stored === 0 && report.positions.length > 0) {
      // Every position was a resend that is already stored with its own frame.
      this.#statements.deleteFrame.run(rawFrameId);
      result.rawFrameId = null;
    }
    if (report.batchType === null && report.positions[0]) {
      result.emergencyAlarmOpened = this.#trackEmergency(report, report.positions[0]);
    }
    return result;
  }

  /**
   * Stores one position. Its coordinates and the other sealed values are read back from the
   * sealed raw frame, so each report costs one seal; only a frame joined from subpackages,
   * which cannot be decoded on its own again, gets its positions' values sealed separately.
   */
  #insertPosition(report: IngestReport, rawFrameId: number, index: number, reason: string | null, sealer: Sealer): boolean {
    const { terminal } = report;
    const p = report.positions[index]!;
    const key = dedupeKey(p, this.#dedupeSecret);
    const sealed = report.joined ? sealer.seal(encodePositionValues(p), positionAad(terminal.id, key)) : null;
    const info = this.#statements.insertPosition.run(
      terminal.id, terminal.vehicleId, rawFrameId, index, p.time?.getTime() ?? null, report.receivedAt,
      p.alarm, p.status, p.acc ? 1 : 0, p.fixed ? 1 : 0, report.batchType, sealed, reason ? 0 : 1, reason, key,
    );
    return info.changes > 0;
  }

  /**
   * Opens one alarm when the emergency bit first appears, keeps it while the terminal keeps
   * the bit set (it does so until the platform sends 0x8203), and clears it when the bit drops.
   */
  #trackEmergency(report: IngestReport, position: Position): boolean {
    const { terminal, receivedAt } = report;
    const set = (position.alarm & emergencyBit) !== 0;
    if (set && terminal.emergencyAlarmId === null) {
      const info = this.#statements.openEmergency.run(terminal.id, terminal.vehicleId, report.header.serial, receivedAt, receivedAt);
      terminal.emergencyAlarmId = Number(info.lastInsertRowid);
      return true;
    }
    if (set && terminal.emergencyAlarmId !== null) this.#statements.touchEmergency.run(receivedAt, terminal.emergencyAlarmId);
    if (!set && terminal.emergencyAlarmId !== null) {
      this.#statements.clearEmergency.run(receivedAt, terminal.emergencyAlarmId);
      terminal.emergencyAlarmId = null;
    }
    return false;
  }
}
