import { Jt808Error } from './errors.ts';
import { encodeFrame } from './frame.ts';
import { checkRange, MAX_BODY_LENGTH } from './header.ts';
import type { Frame, Header, HeaderInit } from './types.ts';

/**
 * Splits a body into sub-packages of at most `maxBodyBytes` body bytes each (1-1023). Package i
 * (1-based) carries serial `header.serial + i - 1` modulo 65536, so the caller advances its serial
 * counter by the number of frames returned. A body that fits in one package gives one plain frame.
 */
export function encodeSubpackages(header: HeaderInit, messageId: number, body: Buffer, maxBodyBytes: number): Buffer[] {
  checkRange('maxBodyBytes', maxBodyBytes, MAX_BODY_LENGTH, 1);
  if (body.length <= maxBodyBytes) return [encodeFrame(header, messageId, body)];
  const total = Math.ceil(body.length / maxBodyBytes);
  checkRange('subpackage total', total, 0xffff, 1);
  const frames: Buffer[] = [];
  for (let index = 1; index <= total; index++) {
    const part = body.subarray((index - 1) * maxBodyBytes, index * maxBodyBytes);
    const serial = (header.serial + index - 1) & 0xffff;
    frames.push(encodeFrame({ ...header, serial }, messageId, part, { total, index }));
  }
  return frames;
}

interface Pending {
  phone: string;
  messageId: number;
  total: number;
  parts: (Frame | undefined)[];
  received: number;
  firstSerial: number;
  lastSeenMs: number;
  /** Set once the missing packages were reported by `expire`. */
  resendRequested: boolean;
}

export interface ExpiredMessage {
  phone: string;
  messageId: number;
  /** Serial of package 1, the original serial that a 0x8003 resend request names. */
  firstSerial: number;
  /** 1-based indexes of the packages not received. */
  missing: number[];
  /**
   * false on the first timeout: the packages received are kept so that the ones resent after a
   * 0x8003 complete the message. true on the second timeout: the message was given up.
   */
  dropped: boolean;
}

/**
 * Joins the packages of sub-packaged messages. Packages are keyed by phone, message id and
 * package total, not by serial, because every package carries its own serial. A package that
 * arrives twice replaces the earlier copy.
 */
export class SubpackageAssembler {
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #pending = new Map<string, Pending>();

  /** `maxPending` (default 16) bounds the messages held at once; a new one beyond it evicts the oldest. */
  constructor(options?: { timeoutMs?: number; maxPending?: number }) {
    this.#timeoutMs = options?.timeoutMs ?? 30000;
    this.#maxPending = options?.maxPending ?? 16;
  }

  /** Number of messages waiting for packages. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Adds one package; returns the joined Frame (header without subpackage, body = all parts in
   * index order, content = the packages' contents concatenated) when complete, else null.
   * A frame without a subpackage field is returned unchanged. Throws JT808_ERR_SUBPACKAGE
   * when the index is 0 or above the total.
   */
  add(frame: Frame, nowMs: number): Frame | null {
    const subpackage = frame.header.subpackage;
    if (!subpackage) return frame;
    const { total, index } = subpackage;
    if (total < 1 || index < 1 || index > total) {
      throw new Jt808Error('JT808_ERR_SUBPACKAGE', `invalid package index ${index} of total ${total}`, subpackage);
    }
    const key = `${frame.header.phone}:${frame.header.messageId}:${total}`;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = {
        phone: frame.header.phone,
        messageId: frame.header.messageId,
        total,
        parts: new Array<Frame | undefined>(total),
        received: 0,
        firstSerial: (frame.header.serial - index + 1) & 0xffff,
        lastSeenMs: nowMs,
        resendRequested: false,
      };
      // Map iteration follows insertion order, so the first key is the oldest message.
      if (this.#pending.size >= this.#maxPending) this.#pending.delete(this.#pending.keys().next().value!);
      this.#pending.set(key, pending);
    }
    if (!pending.parts[index - 1]) pending.received++;
    pending.parts[index - 1] = frame;
    pending.lastSeenMs = nowMs;
    if (index === 1) pending.firstSerial = frame.header.serial;
    if (pending.received < total) return null;

    this.#pending.delete(key);
    return join(pending.parts as Frame[]);
  }

  /**
   * Returns the incomplete messages that received no package for more than timeoutMs, with their
   * missing indexes, so the gateway can send 0x8003. A message is kept after its first timeout,
   * so that resent packages complete it, and removed after the second.
   */
  expire(nowMs: number): ExpiredMessage[] {
    const expired: ExpiredMessage[] = [];
    for (const [key, pending] of this.#pending) {
      if (nowMs - pending.lastSeenMs <= this.#timeoutMs) continue;
      const dropped = pending.resendRequested;
      if (dropped) this.#pending.delete(key);
      pending.resendRequested = true;
      pending.lastSeenMs = nowMs;
      const missing: number[] = [];
      for (let i = 0; i < pending.total; i++) if (!pending.parts[i]) missing.push(i + 1);
      expired.push({ phone: pending.phone, messageId: pending.messageId, firstSerial: pending.firstSerial, missing, dropped });
    }
    return expired;
  }
}

function join(parts: Frame[]): Frame {
  const first = parts[0]!;
  const body = Buffer.concat(parts.map((part) => part.body));
  const header: Header = { ...first.header, bodyLength: body.length };
  delete header.subpackage;
  return { header, body, content: Buffer.concat(parts.map((part) => part.content)) };
}
