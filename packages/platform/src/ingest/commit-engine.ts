import type { Position } from '@gongche/jt808';
import type SqliteDatabase from 'better-sqlite3';
import type { IngestSettings } from '../config.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { Sealer } from '../crypto/envelope.ts';
import { assessPosition, newTrackState, type TrackState } from './assess.ts';
import { deviceTimeOrder, type IngestResult } from './report.ts';
import { dedupeKey, encodePositionValues } from './position-record.ts';
import { frameAad, positionAad } from './sealed-rows.ts';
import { prepareIngestStatements, type IngestStatements } from './statements.ts';
import type { CommitReport } from './group-codec.ts';

const emergencyBit = 1;

/** Ingest's memory of one terminal between reports. */
interface TerminalMemory {
  track: TrackState;
  /** The emergency alarm that is open or acknowledged and not yet cleared by the terminal, if any. */
  emergencyAlarmId: number | null;
}

/**
 * Writes groups of reports into the store in one transaction each: assesses every fix, seals
 * each raw frame, stores the positions once, and tracks emergency alarms. Runs in the ingest
 * worker thread, on that thread's own connection.
 */
export class CommitEngine {
  readonly #sqlite: SqliteDatabase.Database;
  readonly #statements: IngestStatements;
  readonly #keyring: Keyring;
  readonly #settings: IngestSettings;
  readonly #terminals = new Map<number, TerminalMemory>();
  readonly #openAlarm: SqliteDatabase.Statement;

  constructor(sqlite: SqliteDatabase.Database, keyring: Keyring, settings: IngestSettings) {
    this.#sqlite = sqlite;
    this.#statements = prepareIngestStatements(sqlite);
    this.#keyring = keyring;
    this.#settings = settings;
    this.#openAlarm = sqlite.prepare("SELECT id FROM emergency_alarms WHERE terminal_id = ? AND state IN ('open', 'acknowledged') ORDER BY id DESC LIMIT 1");
  }

  /** Writes the group in one transaction and returns one result per report, in order. */
  commit(reports: CommitReport[]): IngestResult[] {
    // One sealer per group: its single SM4 key stream saves a cipher set-up per value.
    const sealer = this.#keyring.sealer();
    // IMMEDIATE takes the write lock first: the rules thread writes too, and a transaction that read
    // before writing could fail with SQLITE_BUSY_SNAPSHOT instead of waiting for the lock.
    return this.#sqlite.transaction(() => reports.map((report) => this.#write(report, sealer))).immediate();
  }

  #memory(terminalId: number): TerminalMemory {
    let memory = this.#terminals.get(terminalId);
    if (!memory) {
      const alarm = this.#openAlarm.get(terminalId) as { id: number } | undefined;
      memory = { track: newTrackState(), emergencyAlarmId: alarm?.id ?? null };
      this.#terminals.set(terminalId, memory);
    }
    return memory;
  }

  #write(report: CommitReport, sealer: Sealer): IngestResult {
    const { terminalId, header, receivedAt } = report;
    const memory = this.#memory(terminalId);
    const sealedFrame = sealer.seal(report.content, frameAad(terminalId, header.messageId, header.serial, receivedAt));
    const frame = this.#statements.insertFrame.run(terminalId, receivedAt, header.messageId, header.serial, sealedFrame);
    const rawFrameId = Number(frame.lastInsertRowid);
    const result: IngestResult = { rawFrameId, stored: 0, duplicates: 0, invalid: [], emergencyAlarmOpened: false };

    for (const index of deviceTimeOrder(report.positions)) {
      const reason = assessPosition(memory.track, report.positions[index]!, receivedAt, this.#settings);
      if (reason) result.invalid.push({ index, reason });
      if (this.#insertPosition(report, rawFrameId, index, reason, sealer)) result.stored++;
      else result.duplicates++;
    }
    if (result.stored === 0 && report.positions.length > 0) {
      // Every position was a resend that is already stored with its own frame.
      this.#statements.deleteFrame.run(rawFrameId);
      result.rawFrameId = null;
    }
    if (report.batchType === null && report.positions[0]) {
      result.emergencyAlarmOpened = this.#trackEmergency(report, memory, report.positions[0]);
    }
    return result;
  }

  /**
   * Stores one position. Its coordinates and the other sealed values are read back from the
   * sealed raw frame, so each report costs one seal. A frame joined from subpackages cannot be
   * decoded on its own again, so only its positions' values are sealed separately.
   */
  #insertPosition(report: CommitReport, rawFrameId: number, index: number, reason: string | null, sealer: Sealer): boolean {
    const p = report.positions[index]!;
    const key = dedupeKey(p, this.#keyring.master.dedupeKey);
    const sealed = report.joined ? sealer.seal(encodePositionValues(p), positionAad(report.terminalId, key)) : null;
    const info = this.#statements.insertPosition.run(
      report.terminalId, report.vehicleId, rawFrameId, index, p.time?.getTime() ?? null, report.receivedAt,
      p.alarm, p.status, p.acc ? 1 : 0, p.fixed ? 1 : 0, report.batchType, sealed, reason ? 0 : 1, reason, key,
    );
    return info.changes > 0;
  }

  /**
   * Opens one alarm when the emergency bit first appears, keeps it while the terminal keeps
   * the bit set (it does so until the platform sends 0x8203), and clears it when the bit drops.
   */
  #trackEmergency(report: CommitReport, memory: TerminalMemory, position: Position): boolean {
    const { terminalId, vehicleId, receivedAt } = report;
    const set = (position.alarm & emergencyBit) !== 0;
    if (set && memory.emergencyAlarmId === null) {
      const info = this.#statements.openEmergency.run(terminalId, vehicleId, report.header.serial, receivedAt, receivedAt);
      memory.emergencyAlarmId = Number(info.lastInsertRowid);
      return true;
    }
    if (set && memory.emergencyAlarmId !== null) this.#statements.touchEmergency.run(receivedAt, memory.emergencyAlarmId);
    if (!set && memory.emergencyAlarmId !== null) {
      this.#statements.clearEmergency.run(receivedAt, memory.emergencyAlarmId);
      memory.emergencyAlarmId = null;
    }
    return false;
  }
}
