import type { IngestResult } from './report.ts';

/** Messages from the gateway thread to the ingest worker. */
export type WorkerRequest =
  | { kind: 'commit'; id: number; group: ArrayBuffer }
  /** Last-seen times as [terminal id, ms] pairs; written here so the gateway thread never waits for the write lock. */
  | { kind: 'last-seen'; times: [number, number][] }
  | { kind: 'stop' };

/** Messages from the ingest worker to the gateway thread. */
export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'committed'; id: number; results: IngestResult[]; durationMs: number }
  | { kind: 'failed'; id: number; message: string; code?: string | undefined }
  | { kind: 'stopped' };
