import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeMessage, encodeFrame, encodeMessage, FrameDecoder, type HeaderEdition, type Message, type MessageBody } from '@gongche/jt808';
import { gbkCodec } from '../../src/text-codec.ts';

export interface FakeGatewayOptions {
  /** 0x8100 result for every registration. Default 0. */
  registrationResult?: number;
  /** Auth code issued at registration. Default "AUTH-1". */
  authCode?: string;
  /** Returns true for a message the gateway leaves unanswered. */
  ignore?: (message: Message) => boolean;
}

/** A received message and the connection (0-based, in accept order) it came on. */
export interface Received {
  message: Message;
  connection: number;
}

/**
 * A minimal JT/T 808 platform for terminal tests: it responds to 0x0100 with 0x8100, 0x0102 with 0x8001
 * (result 0 for the issued code, 1 otherwise) and every other terminal message with 0x8001 result 0.
 */
export class FakeGateway {
  readonly received: Received[] = [];
  port = 0;
  /** When false, new connections are closed as soon as they are accepted. */
  accepting = true;
  readonly #server: net.Server;
  readonly #sockets: net.Socket[] = [];
  readonly #options: FakeGatewayOptions;
  #connections = 0;
  #serial = 0;
  #waiters: { predicate: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  constructor(options: FakeGatewayOptions = {}) {
    this.#options = options;
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const gateway = new FakeGateway(options);
    await new Promise<void>((resolve) => gateway.#server.listen(0, '127.0.0.1', resolve));
    gateway.port = (gateway.#server.address() as AddressInfo).port;
    return gateway;
  }

  get connections(): number {
    return this.#connections;
  }

  /** Resolves with the first received message (already received or future) that matches, or rejects after timeoutMs. */
  waitFor(predicate: (r: Received) => boolean, timeoutMs = 3000, after = 0): Promise<Received> {
    const found = this.received.slice(after).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake gateway: no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({ predicate, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  /** Sends a platform message on the latest connection, with the header of the terminal's last message. */
  send(message: MessageBody): number {
    const { socket, header } = this.#latest();
    const serial = this.#serial++;
    socket.write(encodeMessage({ edition: header.edition, phone: header.phone, serial }, message, { text: gbkCodec }));
    return serial;
  }

  /** Sends a raw body under any message id, for ids the codec has no encoder for. */
  sendRaw(messageId: number, body: Buffer): number {
    const { socket, header } = this.#latest();
    const serial = this.#serial++;
    socket.write(encodeFrame({ edition: header.edition, phone: header.phone, serial }, messageId, body));
    return serial;
  }

  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #latest(): { socket: net.Socket; header: { edition: HeaderEdition; phone: string } } {
    const socket = this.#sockets[this.#sockets.length - 1];
    const last = this.received[this.received.length - 1];
    if (!socket || !last) throw new Error('fake gateway: no terminal has sent anything yet');
    return { socket, header: last.message.header };
  }

  #accept(socket: net.Socket): void {
    if (!this.accepting) {
      socket.destroy();
      return;
    }
    const connection = this.#connections++;
    this.#sockets.push(socket);
    const decoder = new FrameDecoder();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind !== 'frame') continue;
        const message = decodeMessage(event.frame, { text: gbkCodec });
        this.#onMessage(socket, { message, connection });
      }
    });
  }

  #onMessage(socket: net.Socket, received: Received): void {
    this.received.push(received);
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.predicate(received)) waiter.resolve(received);
      else this.#waiters.push(waiter);
    }
    const { message } = received;
    if (this.#options.ignore?.(message)) return;
    const reply = this.#reply(message);
    if (!reply) return;
    const header = { edition: message.header.edition, phone: message.header.phone, serial: this.#serial++ };
    socket.write(encodeMessage(header, reply, { text: gbkCodec }));
  }

  #reply(message: Message): MessageBody | null {
    const replySerial = message.header.serial;
    if (message.messageId === 0x0100) {
      const result = this.#options.registrationResult ?? 0;
      const body = result === 0 ? { replySerial, result, authCode: this.#options.authCode ?? 'AUTH-1' } : { replySerial, result };
      return { messageId: 0x8100, body };
    }
    if (message.messageId === 0x0102) {
      const result = message.body.authCode === (this.#options.authCode ?? 'AUTH-1') ? 0 : 1;
      return { messageId: 0x8001, body: { replySerial, replyId: 0x0102, result } };
    }
    if (message.messageId === 0x0001) return null;
    return { messageId: 0x8001, body: { replySerial, replyId: message.header.messageId, result: 0 } };
  }
}
