import { decodeFrame, decodeMessage, escapeFrame, type Position } from '@gongche/jt808';
import type { Keyring } from '../crypto/keyring.ts';
import { gbkCodec } from '../text-codec.ts';
import { decodePositionValues, type PositionValues } from './position-record.ts';

/** Associated data that binds separately sealed position values to their terminal and report identity. */
export const positionAad = (terminalId: number, dedupeKey: string) => `positions|${terminalId}|${dedupeKey}`;

/** Associated data that binds a sealed raw frame to its terminal, message and time of receipt. */
export const frameAad = (terminalId: number, messageId: number, serial: number, receivedAt: number) => `raw_frames|${terminalId}|${messageId}|${serial}|${receivedAt}`;

/** The columns of a raw frame needed to open it. */
export interface SealedFrameRow {
  id: number;
  terminal_id: number;
  message_id: number;
  serial: number;
  received_at: number;
  sealed: Buffer;
}

/** The columns of a position needed to read its values, with its raw frame. */
export interface SealedPositionRow {
  id: number;
  terminal_id: number;
  dedupe_key: string;
  frame_index: number;
  sealed: Buffer | null;
  frame: SealedFrameRow;
}

/** Opens a stored raw frame: the unescaped header, body and check code as received. */
export function openFrame(keyring: Keyring, row: SealedFrameRow): Buffer {
  return keyring.open(row.sealed, frameAad(row.terminal_id, row.message_id, row.serial, row.received_at), `raw frame ${row.id}`);
}

function framePositions(content: Buffer): Position[] {
  const message = decodeMessage(decodeFrame(escapeFrame(content)), { text: gbkCodec });
  if (message.messageId === 0x0200) return [message.body];
  if (message.messageId === 0x0201) return [message.body.position];
  if (message.messageId === 0x0704) return message.body.positions;
  return [];
}

function valuesOf(p: Position): PositionValues {
  return {
    latitude: p.latitude,
    longitude: p.longitude,
    altitudeM: p.altitudeM,
    speedKmh: p.speedKmh,
    course: p.course,
    items: p.items.map((item) => [item.id, item.raw.toString('hex')]),
  };
}

/**
 * Reads stored positions' sealed values: from the sealed raw frame, decoded once per frame
 * however many positions it carries, or from the position's own sealed values. Fails with
 * GONGCHE_ERR_DECRYPT_FAILED rather than return altered data.
 */
export class PositionReader {
  readonly #keyring: Keyring;
  readonly #frames = new Map<number, Position[]>();

  constructor(keyring: Keyring) {
    this.#keyring = keyring;
  }

  values(row: SealedPositionRow): PositionValues {
    if (row.sealed) return decodePositionValues(this.#keyring.open(row.sealed, positionAad(row.terminal_id, row.dedupe_key), `position ${row.id}`));
    let positions = this.#frames.get(row.frame.id);
    if (!positions) {
      positions = framePositions(openFrame(this.#keyring, row.frame));
      this.#frames.set(row.frame.id, positions);
    }
    const position = positions[row.frame_index];
    if (!position) throw new Error(`raw frame ${row.frame.id} carries no position ${row.frame_index} for position ${row.id}`);
    return valuesOf(position);
  }
}
