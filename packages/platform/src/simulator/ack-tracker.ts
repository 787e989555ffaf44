import type { Position } from '@gongche/jt808';

/** A sent message waiting for the platform's answer. */
export interface PendingMessage {
  kind: 'registration' | 'authentication' | 'heartbeat' | 'report' | 'batch';
  messageId: number;
  serial: number;
  /** 0 for the first send, then 1, 2, ... for each resend. */
  attempt: number;
  /** Location blocks carried by a report or a batch, kept so that a resend or the blind-area buffer can reuse them. */
  positions: Position[];
}

/**
 * Tracks sent messages by serial until the platform answers or the answer times out. The timeout
 * grows with each resend as JT/T 808 prescribes: T(n+1) = T(n) x (n+1).
 */
export class AckTracker {
  readonly #entries = new Map<number, { message: PendingMessage; timer: NodeJS.Timeout }>();
  readonly #baseTimeoutMs: number;
  readonly #onTimeout: (message: PendingMessage) => void;

  constructor(baseTimeoutMs: number, onTimeout: (message: PendingMessage) => void) {
    this.#baseTimeoutMs = baseTimeoutMs;
    this.#onTimeout = onTimeout;
  }

  get size(): number {
    return this.#entries.size;
  }

  track(message: PendingMessage): void {
    const timer = setTimeout(() => {
      this.#entries.delete(message.serial);
      this.#onTimeout(message);
    }, this.timeoutMs(message.attempt));
    this.#entries.set(message.serial, { message, timer });
  }

  /** Timeout of the given attempt: T, 2T, 6T, 24T, ... */
  timeoutMs(attempt: number): number {
    let factor = 1;
    for (let n = 1; n <= attempt; n++) factor *= n + 1;
    return this.#baseTimeoutMs * factor;
  }

  /** Removes and returns the message answered by (replySerial, replyId), or undefined when none waits. */
  settle(replySerial: number, replyId: number): PendingMessage | undefined {
    const entry = this.#entries.get(replySerial);
    if (!entry || entry.message.messageId !== replyId) return undefined;
    clearTimeout(entry.timer);
    this.#entries.delete(replySerial);
    return entry.message;
  }

  /** Removes and returns every waiting message, oldest first, without firing their timeouts. */
  drain(): PendingMessage[] {
    const messages = [...this.#entries.values()].map((entry) => {
      clearTimeout(entry.timer);
      return entry.message;
    });
    this.#entries.clear();
    return messages;
  }
}
