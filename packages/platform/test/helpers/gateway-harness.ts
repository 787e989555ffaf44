import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { FrameDecoder, decodeMessage, encodeMessage, type HeaderEdition, type Message, type MessageBody } from '@gongche/jt808';
import { defaultConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { startGateway, type Gateway } from '../../src/gateway/server.ts';
import { createUnit } from '../../src/registry/units.ts';
import { createVehicle } from '../../src/registry/vehicles.ts';
import { createTerminal } from '../../src/registry/terminals.ts';
import { unitInput, vehicleInput, terminalInput } from '../../src/registry/schemas.ts';
import { gbkCodec } from '../../src/text-codec.ts';
import { attachTestKeyring } from './keyring.ts';

export interface TestGateway {
  dir: string;
  store: Store;
  gateway: Gateway;
  config: Config;
  /** The gateway's log lines at info level and above, parsed, in order. */
  logs: Record<string, unknown>[];
  /** Adds a vehicle with a bound terminal and returns their ids. */
  addTerminal(phone: string, plate: string, legacyAuthCode?: string): Promise<{ vehicleId: number; terminalId: number }>;
  close(): Promise<void>;
}

/** Starts a gateway on 127.0.0.1 with a random port over a fresh SQLite file. */
export async function startTestGateway(configure: (config: Config) => void = () => {}): Promise<TestGateway> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-gw-'));
  const config = defaultConfig({ dataDir: dir, jt808Host: '127.0.0.1', jt808Port: 0 });
  configure(config);
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachTestKeyring(store);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info' }, sink);
  const gateway = await startGateway({ store, config, logger });
  const unit = await createUnit(store.db, unitInput.parse({ name: '喀什地区测试单位' }));
  return {
    dir,
    store,
    gateway,
    config,
    logs,
    async addTerminal(phone, plate, legacyAuthCode) {
      const vehicle = await createVehicle(store.db, vehicleInput.parse({ unitId: unit.id, plate, vehicleType: '轿车', usageNature: '一般公务用车' }));
      const terminal = await createTerminal(store.db, terminalInput.parse({ phone, vehicleId: vehicle.id, legacyAuthCode }));
      return { vehicleId: vehicle.id, terminalId: terminal.id };
    },
    async close() {
      await gateway.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A test terminal that writes exact bytes and reads the platform's decoded answers. */
export class RawTerminal {
  readonly socket: net.Socket;
  readonly received: Message[] = [];
  readonly closed: Promise<void>;
  serial = 0;
  #decoder = new FrameDecoder();
  #waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  private constructor(socket: net.Socket, readonly phone: string, readonly edition: HeaderEdition) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk) => {
      for (const event of this.#decoder.push(chunk)) {
        if (event.kind !== 'frame') continue;
        const message = decodeMessage(event.frame, { text: gbkCodec });
        this.received.push(message);
        const waiter = this.#waiters.find((w) => w.match(message));
        if (waiter) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    socket.on('error', () => {});
  }

  static async connect(port: number, phone: string, edition: HeaderEdition = '2013'): Promise<RawTerminal> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawTerminal(socket, phone, edition);
  }

  /** Encodes a message with the next serial (or the given one) and writes it; returns the serial. */
  send(message: MessageBody, serial = ++this.serial): number {
    this.socket.write(encodeMessage({ edition: this.edition, phone: this.phone, serial }, message, { text: gbkCodec }));
    return serial;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with the first received (or already received and unclaimed) message that matches. */
  next(match: (m: Message) => boolean, timeoutMs = 3000): Promise<Message> {
    const already = this.received.find(match);
    if (already) {
      this.received.splice(this.received.indexOf(already), 1);
      return Promise.resolve(already);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  /** Waits for the 0x8001 answering `serial`. */
  async ack(serial: number, timeoutMs = 3000): Promise<number> {
    const m = await this.next((x) => x.messageId === 0x8001 && x.body.replySerial === serial, timeoutMs);
    return m.messageId === 0x8001 ? m.body.result : -1;
  }

  /**
   * Registers and authenticates; returns the issued auth code. The terminal id defaults to one
   * derived from the phone, because two terminals reporting the same id is a terminal swap.
   */
  async login(plate = '新Q12345', terminalId = `T${this.phone.slice(-6)}`): Promise<string> {
    const serial = this.send({
      messageId: 0x0100,
      body: { layout: this.edition === '2019' ? '2019' : '2013', provinceId: 65, cityId: 3100, manufacturerId: 'GC001', terminalModel: 'GC-T1', terminalId, plateColor: 1, plate },
    });
    const answer = await this.next((m) => m.messageId === 0x8100 && m.body.replySerial === serial);
    if (answer.messageId !== 0x8100 || answer.body.result !== 0 || !answer.body.authCode) throw new Error(`registration rejected: ${JSON.stringify(answer.body)}`);
    const auth = this.send({ messageId: 0x0102, body: { authCode: answer.body.authCode, ...(this.edition === '2019' && { imei: '861234567890123', softwareVersion: '1.0.0' }) } });
    const result = await this.ack(auth);
    if (result !== 0) throw new Error(`authentication rejected with result ${result}`);
    return answer.body.authCode;
  }

  close(): void {
    this.socket.end();
  }
}
