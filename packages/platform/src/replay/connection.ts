import net from 'node:net';
import { FrameDecoder, type Message } from '@gongche/jt808';
import { decodeWire } from '../simulator/wire.ts';

/** A TCP connection to a gateway that decodes every platform message and lets the caller wait for responses. */
export class ReplayConnection {
  closed = false;
  readonly #socket: net.Socket;
  readonly #received: Message[] = [];
  #waiter: { predicate: (m: Message) => boolean; resolve: (m: Message | null) => void } | null = null;

  private constructor(socket: net.Socket, onMessage: (message: Message) => void, onInvalid: (reason: string) => void) {
    this.#socket = socket;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'error') onInvalid(`invalid frame from gateway: ${event.error.message}`);
        if (event.kind !== 'frame') continue;
        try {
          const message = decodeWire(event.frame);
          onMessage(message);
          this.#deliver(message);
        } catch (error) {
          onInvalid(`undecodable message 0x${event.frame.header.messageId.toString(16).padStart(4, '0')} from gateway: ${(error as Error).message}`);
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.#waiter?.resolve(null);
      this.#waiter = null;
    });
  }

  /** Connects to host:port; rejects with the socket error when the connection fails. */
  static open(host: string, port: number, onMessage: (message: Message) => void, onInvalid: (reason: string) => void): Promise<ReplayConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new ReplayConnection(socket, onMessage, onInvalid));
      });
    });
  }

  send(wire: Buffer): void {
    if (!this.closed) this.#socket.write(wire);
  }

  /** Resolves with the first received message matching `predicate`, or null on timeout or close. */
  waitFor(predicate: (m: Message) => boolean, timeoutMs: number): Promise<Message | null> {
    const index = this.#received.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.#received.splice(index, 1)[0]!);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = null;
        resolve(null);
      }, timeoutMs);
      this.#waiter = {
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), 500).unref();
    });
  }

  #deliver(message: Message): void {
    const waiter = this.#waiter;
    if (waiter && waiter.predicate(message)) {
      this.#waiter = null;
      waiter.resolve(message);
      return;
    }
    this.#received.push(message);
  }
}
