import type { Header, Position } from '@gongche/jt808';
import type { InvalidReason } from './assess.ts';
import type { TerminalState } from './terminal-state.ts';

/** One decoded frame that carries positions, waiting to be committed. */
export interface IngestReport {
  terminal: TerminalState;
  header: Header;
  /** Unescaped frame content, stored as evidence. */
  content: Buffer;
  receivedAt: number;
  positions: Position[];
  /** null for 0x0200/0x0201, the 0x0704 batch type otherwise. */
  batchType: number | null;
}

/** What happened to a report once its group was committed. */
export interface IngestResult {
  rawFrameId: number | null;
  stored: number;
  duplicates: number;
  invalid: { index: number; reason: InvalidReason }[];
  /** Set when this report opened a new emergency alarm. */
  emergencyAlarmOpened: boolean;
}

/**
 * Identity of a report within its terminal, independent of the message serial, so a resent
 * report is stored once. It starts with the BCD device time; numbers are base 36 to keep
 * the unique index small.
 */
export function dedupeKey(p: Position): string {
  const n = (x: number) => Math.round(x).toString(36);
  return `${p.timeBcd}|${n(p.alarm)}|${n(p.status)}|${n(p.latitude * 1e6)}|${n(p.longitude * 1e6)}|${n(p.altitudeM)}|${n(p.speedKmh * 10)}|${n(p.course)}`;
}

/** Returns the order in which a batch's positions are assessed: by device time, invalid times last, stable. */
export function deviceTimeOrder(positions: Position[]): number[] {
  const order = positions.map((_, i) => i);
  const key = (i: number) => positions[i]!.time?.getTime() ?? Number.POSITIVE_INFINITY;
  return order.sort((a, b) => key(a) - key(b) || a - b);
}
