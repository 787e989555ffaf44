import type { Header, Position } from '@gongche/jt808';
import type { InvalidReason } from './assess.ts';


/** One frame that carries positions, waiting to be committed; the worker decodes its positions from the body. */
export interface IngestReport {
  terminal: { id: number; vehicleId: number | null };
  header: Header;
  /** Unescaped frame content, stored as evidence. */
  content: Buffer;
  /** The frame's body (for a joined message, all packages' bodies in order). */
  body: Buffer;
  receivedAt: number;
  /** null for 0x0200/0x0201, the 0x0704 batch type otherwise. */
  batchType: number | null;
  /** Set when the frame was joined from subpackages: its stored content cannot be decoded again. */
  joined: boolean;
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

/** Returns the order in which a batch's positions are assessed: by device time, invalid times last, stable. */
export function deviceTimeOrder(positions: Position[]): number[] {
  const order = positions.map((_, i) => i);
  const key = (i: number) => positions[i]!.time?.getTime() ?? Number.POSITIVE_INFINITY;
  return order.sort((a, b) => key(a) - key(b) || a - b);
}
