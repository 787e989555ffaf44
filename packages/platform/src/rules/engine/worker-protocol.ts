import type { EncryptionSettings } from '../../config.ts';
import type { MasterKey } from '../../crypto/master-key.ts';
import type { RuleCode } from '../rule-codes.ts';

export interface RuleWorkerData {
  file: string;
  master: MasterKey;
  encryption: EncryptionSettings;
  pollIntervalMs: number;
  batchSize: number;
  inputsMaxAgeMs: number;
  /** URLs of modules whose default export is a list of detectors that replace the registered ones of the same codes (scenario tests use this). */
  detectorModules: string[];
}

export type RuleWorkerRequest = { kind: 'refresh' } | { kind: 'stop' };

export interface SavedAlertMessage {
  id: number;
  created: boolean;
  key: string;
  rule: RuleCode;
  vehicleId: number;
  late: boolean;
}

export type RuleWorkerReply =
  | { kind: 'ready'; cursor: number }
  | { kind: 'progress'; cursor: number; positions: number }
  | { kind: 'alerts'; alerts: SavedAlertMessage[] }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };
