import type { Message } from '@gongche/jt808';
import { AppError } from '../errors.ts';

interface PendingCommand {
  messageId: number;
  resolve(message: Message): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Platform commands sent on one connection, waiting for the terminal's response by serial. */
export class PendingCommands {
  readonly #bySerial = new Map<number, PendingCommand>();

  /** Registers a command just sent with `serial`; the promise settles on its response, timeout or close. */
  wait(serial: number, messageId: number, timeoutMs: number): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#bySerial.delete(serial);
        const id = `0x${messageId.toString(16).padStart(4, '0')}`;
        reject(new AppError('GONGCHE_ERR_COMMAND_TIMEOUT', 504, `Terminal did not respond to command ${id} (serial ${serial}) within ${timeoutMs} ms; check that it is online and try again`, { value: serial }));
      }, timeoutMs);
      this.#bySerial.set(serial, { messageId, resolve, reject, timer });
    });
  }

  /** Settles the command that `replySerial` responds to; returns false when none was waiting. */
  settle(replySerial: number, answer: Message): boolean {
    const pending = this.#bySerial.get(replySerial);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.#bySerial.delete(replySerial);
    pending.resolve(answer);
    return true;
  }

  /** Rejects every waiting command, e.g. when the connection closes. */
  rejectAll(error: Error): void {
    for (const pending of this.#bySerial.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#bySerial.clear();
  }
}
