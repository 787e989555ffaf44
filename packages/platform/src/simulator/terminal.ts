import net from 'node:net';
import { EventEmitter } from 'node:events';
import { FrameDecoder, Jt808Error, type Header, type HeaderEdition, type Message, type MessageBody, type Position } from '@gongche/jt808';
import type { Logger } from '../logger.ts';
import { AckTracker, type PendingMessage } from './ack-tracker.ts';
import { answerCommand, type TerminalSettings } from './commands.ts';
import { attributesBody, authenticationBody, registrationBody, simulatedTerminalId } from './bodies.ts';
import type { MoverSample, RouteMover } from './mover.ts';
import { ALARM_EMERGENCY, ALARM_GNSS_ANTENNA_CUT, ALARM_MAIN_POWER_OFF, buildPosition } from './report.ts';
import { describeGeneralResult, describeRegistrationResult, hexId } from './results.ts';
import type { LatLon } from './routes.ts';
import { decodeWire, encodeWire, headerPhone } from './wire.ts';

export interface SimulatedTerminalOptions {
  host: string;
  port: number;
  /** Terminal phone number as registered on the platform, e.g. 013900000000. */
  phone: string;
  edition: HeaderEdition;
  mover: RouteMover;
  /** Seconds between location reports. */
  intervalS: number;
  logger: Logger;
  plate?: string;
  /** Terminal ID sent in 0x0100 and 0x0107. Default simulatedTerminalId(phone). */
  terminalId?: string;
  /** JT/T 808 plate colour: 1 blue, 2 yellow, 3 black, 4 white; 0 sends a VIN in place of the plate. */
  plateColor?: number;
  /** Seconds between heartbeats while online. Default 30. */
  heartbeatS?: number;
  /** Time to wait for the platform's response before the first resend. Default 10 s (the JT/T 808 default). */
  ackTimeoutMs?: number;
  /** Resends of an unanswered message before the connection is given up. Default 3. */
  maxResends?: number;
  /** First reconnect delay; it doubles on each failed attempt up to reconnectMaxMs. Default 1 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Location blocks per 0x0704 blind-area batch. Default 20, which keeps the body under 1,023 bytes. */
  batchSize?: number;
  /** Blind-area buffer size; the oldest reports are dropped beyond it. Default 5,000. */
  maxBlindReports?: number;
  /** Odometer reading when the simulation starts, km. */
  baseMileageKm?: number;
}

export type TerminalPhase = 'idle' | 'connecting' | 'registering' | 'authenticating' | 'online' | 'offline' | 'stopped';

export interface TerminalStats {
  connects: number;
  /** 0x0200 reports written to the socket, resends included. */
  reportsSent: number;
  /** Live reports (0x0200) that the platform acknowledged with result 0; blind-area reports count in `uploaded`. */
  acknowledged: number;
  /** Reports in messages that the platform acknowledged with a non-zero result. */
  rejected: number;
  resent: number;
  /** Reports stored in the blind-area buffer while offline. */
  buffered: number;
  /** Blind-area reports acknowledged in 0x0704 batches. */
  uploaded: number;
  commandsAnswered: number;
}

export interface TerminalEvents {
  phase: [TerminalPhase];
  /** Every message received from the platform, decoded. */
  message: [Message];
  stopped: [string];
}

/**
 * A JT/T 808 terminal over real TCP: registers (0x0100), authenticates (0x0102), then sends
 * heartbeats and location reports, answers platform commands, resends unanswered reports,
 * reconnects with backoff and uploads reports made offline as 0x0704 blind-area batches.
 */
export class SimulatedTerminal extends EventEmitter<TerminalEvents> {
  readonly phone: string;
  readonly edition: HeaderEdition;
  #connectionErrorLogged = false;
  readonly stats: TerminalStats = { connects: 0, reportsSent: 0, acknowledged: 0, rejected: 0, resent: 0, buffered: 0, uploaded: 0, commandsAnswered: 0 };
  stopReason: string | null = null;

  readonly #options: Required<Omit<SimulatedTerminalOptions, 'plate' | 'terminalId'>> & { plate: string; terminalId: string };
  readonly #log: Logger;
  readonly #tracker: AckTracker;
  #phase: TerminalPhase = 'idle';
  #socket: net.Socket | null = null;
  #serial = 0;
  #authCode: string | null = null;
  #alarm = 0;
  #fixLost = false;
  #lastSample: MoverSample;
  #lastFix: LatLon;
  #blind: Position[] = [];
  #batchInFlight = false;
  #reconnectAttempt = 0;
  /** Set when the auth code in use was issued on the current connection, so its rejection is final. */
  #registeredThisConnection = false;
  #reportTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;

  constructor(options: SimulatedTerminalOptions) {
    super();
    this.phone = options.phone;
    this.edition = options.edition;
    this.#options = {
      plate: options.plate ?? '',
      terminalId: options.terminalId ?? simulatedTerminalId(options.phone),
      plateColor: options.plateColor ?? (options.plate ? 1 : 0),
      heartbeatS: 30,
      ackTimeoutMs: 10_000,
      maxResends: 3,
      reconnectMinMs: 1_000,
      reconnectMaxMs: 60_000,
      batchSize: 20,
      maxBlindReports: 5_000,
      baseMileageKm: 20_000,
      ...withoutUndefined(options),
    };
    this.#log = options.logger.child({ phone: options.phone, edition: options.edition });
    this.#tracker = new AckTracker(this.#options.ackTimeoutMs, (message) => this.#onAnswerTimeout(message));
    this.#lastSample = options.mover.sample();
    this.#lastFix = this.#lastSample;
  }

  get phase(): TerminalPhase {
    return this.#phase;
  }

  get blindReports(): number {
    return this.#blind.length;
  }

  /** Starts reporting and connects; reports made before the first authentication go to the blind-area buffer. */
  start(): void {
    if (this.#phase !== 'idle') return;
    this.#log.info({ host: this.#options.host, port: this.#options.port }, 'simulated terminal starting');
    this.#reportTimer = setInterval(() => this.#reportTick(), this.#options.intervalS * 1000);
    this.#connect();
  }

  /** Stops reporting, closes the connection and resolves once the socket is closed. */
  async stop(reason = 'stopped by request'): Promise<void> {
    if (this.#phase === 'stopped') return;
    this.stopReason = reason;
    this.#setPhase('stopped');
    for (const timer of [this.#reportTimer, this.#heartbeatTimer, this.#reconnectTimer]) {
      if (timer) clearTimeout(timer);
    }
    this.#tracker.drain();
    const socket = this.#socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.destroy();
      });
    }
    this.#log.info({ reason, stats: this.stats }, 'simulated terminal stopped');
    this.emit('stopped', reason);
  }

  // Scriptable behaviour for scenario tests and demonstrations. Alarm changes report at once, as real terminals do.

  /** Raises the emergency alarm (bit 0); it stays set until a 0x8203 confirmation for bit 0 arrives. */
  triggerEmergency(): void {
    this.#setAlarm(ALARM_EMERGENCY, true);
  }

  /** Raises or clears the main power off alarm (bit 8). */
  setMainPowerOff(off: boolean): void {
    this.#setAlarm(ALARM_MAIN_POWER_OFF, off);
  }

  /** Raises or clears the GNSS antenna disconnected alarm (bit 5). */
  setAntennaCut(cut: boolean): void {
    this.#setAlarm(ALARM_GNSS_ANTENNA_CUT, cut);
  }

  /** Loses or regains the GNSS fix; without a fix, reports repeat the last fixed position with status bit 1 clear. */
  setFixLost(lost: boolean): void {
    this.#fixLost = lost;
  }

  /** Parks the vehicle with ACC off for `seconds`; reports drift by up to a few tens of metres meanwhile. */
  park(seconds: number): void {
    this.#options.mover.park(seconds);
  }

  /** Drops the TCP connection as a lost mobile network would; the terminal reconnects with backoff. */
  dropConnection(): void {
    this.#socket?.destroy();
  }

  get alarm(): number {
    return this.#alarm;
  }

  #setAlarm(bit: number, on: boolean): void {
    const before = this.#alarm;
    this.#alarm = on ? (this.#alarm | bit) >>> 0 : (this.#alarm & ~bit) >>> 0;
    if (this.#alarm !== before) this.#report(this.#currentPosition());
  }

  #setPhase(phase: TerminalPhase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.emit('phase', phase);
  }

  #connect(): void {
    this.#setPhase('connecting');
    const socket = net.connect({ host: this.#options.host, port: this.#options.port });
    const decoder = new FrameDecoder();
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => this.#onConnected());
    socket.on('data', (chunk) => this.#onData(decoder, chunk));
    socket.on('error', (error) => {
      // One warning per outage: a gateway that is down refuses every reconnect attempt the same way.
      const fields = { error: error.message, code: (error as NodeJS.ErrnoException).code, host: this.#options.host, port: this.#options.port, attempt: this.#reconnectAttempt };
      if (this.#connectionErrorLogged) this.#log.debug(fields, 'terminal connection error');
      else this.#log.warn(fields, 'terminal connection error; retrying with backoff');
      this.#connectionErrorLogged = true;
    });
    socket.on('close', () => this.#onClosed(socket));
  }

  #onConnected(): void {
    this.stats.connects++;
    this.#connectionErrorLogged = false;
    this.#registeredThisConnection = false;
    this.#log.info({ host: this.#options.host, port: this.#options.port, reusesAuthCode: this.#authCode !== null }, 'terminal connected');
    if (this.#authCode) this.#authenticate();
    else this.#register();
  }

  #onClosed(socket: net.Socket): void {
    if (this.#socket !== socket) return;
    this.#socket = null;
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#batchInFlight = false;
    const unanswered = this.#tracker.drain().flatMap((message) => message.positions);
    this.#toBlind(unanswered, true);
    if (this.#phase === 'stopped') return;

    this.#setPhase('offline');
    const delay = Math.min(this.#options.reconnectMaxMs, this.#options.reconnectMinMs * 2 ** this.#reconnectAttempt);
    this.#reconnectAttempt++;
    this.#log.warn({ delayMs: delay, attempt: this.#reconnectAttempt, blindReports: this.#blind.length }, 'terminal disconnected; reconnecting');
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #onData(decoder: FrameDecoder, chunk: Buffer): void {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'error') {
        this.#log.warn({ err: event.error, wire: event.wire.toString('hex') }, 'invalid frame from platform ignored');
        continue;
      }
      if (event.kind !== 'frame') continue;
      let message: Message;
      try {
        message = decodeWire(event.frame);
      } catch (error) {
        this.#answerUndecodable(event.frame.header, error);
        continue;
      }
      this.emit('message', message);
      this.#onMessage(message);
    }
  }

  #onMessage(message: Message): void {
    if (message.messageId === 0x8100) return this.#onRegistrationResponse(message.body.replySerial, message.body.result, message.body.authCode);
    if (message.messageId === 0x8001) return this.#onGeneralResponse(message.body.replySerial, message.body.replyId, message.body.result);
    const answer = answerCommand(message, {
      currentPosition: () => this.#currentPosition(),
      settings: this.#settings(),
      attributes: () => attributesBody(this.phone, 'GC-SIM-1', this.#options.terminalId),
      confirmAlarm: (alarmType) => this.#confirmAlarm(alarmType),
    });
    if (!answer) return;
    this.#send(answer);
    this.stats.commandsAnswered++;
    this.#log.info({ command: hexId(message.header.messageId), serial: message.header.serial, answer: hexId(answer.messageId) }, 'platform command responded to');
  }

  /** Answers a platform message the codec cannot decode: result 3 (not supported) for an unknown id, 2 (message error) otherwise. */
  #answerUndecodable(header: Header, error: unknown): void {
    const unsupported = error instanceof Jt808Error && error.code === 'JT808_ERR_UNSUPPORTED_MESSAGE';
    this.#log.warn({ err: error, messageId: hexId(header.messageId), serial: header.serial }, 'undecodable message from platform');
    if (header.messageId < 0x8000 || header.messageId === 0x8001 || header.messageId === 0x8100) return;
    this.#send({ messageId: 0x0001, body: { replySerial: header.serial, replyId: header.messageId, result: unsupported ? 3 : 2 } });
  }

  #confirmAlarm(alarmType: number): void {
    if ((alarmType & ALARM_EMERGENCY) === 0) return;
    this.#alarm = (this.#alarm & ~ALARM_EMERGENCY) >>> 0;
    this.#log.info({ alarmType }, 'emergency alarm confirmed by platform; bit 0 cleared');
  }

  #register(): void {
    this.#setPhase('registering');
    this.#sendTracked('registration', this.#registrationBody(), [], 0);
  }

  #registrationBody(): MessageBody {
    return registrationBody({ phone: this.phone, edition: this.edition, terminalModel: 'GC-SIM-1', plate: this.#options.plate, plateColor: this.#options.plateColor, terminalId: this.#options.terminalId });
  }

  #onRegistrationResponse(replySerial: number, result: number, authCode: string | undefined): void {
    if (!this.#tracker.settle(replySerial, 0x0100)) return;
    if (result !== 0 || !authCode) {
      const reason = `registration rejected by platform: result ${describeRegistrationResult(result)}`;
      this.#log.error({ result }, reason);
      void this.stop(reason);
      return;
    }
    this.#authCode = authCode;
    this.#registeredThisConnection = true;
    this.#log.info('terminal registered; auth code received');
    this.#authenticate();
  }

  #authenticate(): void {
    this.#setPhase('authenticating');
    this.#sendTracked('authentication', this.#authenticationBody(), [], 0);
  }

  #authenticationBody(): MessageBody {
    return authenticationBody(this.#authCode ?? '', this.phone, this.edition);
  }

  #onGeneralResponse(replySerial: number, replyId: number, result: number): void {
    const pending = this.#tracker.settle(replySerial, replyId);
    if (!pending) return;
    if (pending.kind === 'authentication') return this.#onAuthenticationResult(result);
    if (pending.kind === 'heartbeat') return;
    const count = pending.positions.length;
    if (result === 0) {
      if (pending.kind === 'batch') this.stats.uploaded += count;
      else this.stats.acknowledged += count;
    } else {
      this.stats.rejected += count;
      this.#log.warn({ messageId: hexId(pending.messageId), serial: replySerial, result: describeGeneralResult(result) }, 'platform rejected report');
    }
    if (pending.kind === 'batch') {
      this.#batchInFlight = false;
      this.#uploadNextBatch();
    }
  }

  #onAuthenticationResult(result: number): void {
    if (result === 0) {
      this.#reconnectAttempt = 0;
      this.#setPhase('online');
      this.#log.info({ blindReports: this.#blind.length }, 'terminal authenticated');
      this.#heartbeatTimer = setInterval(() => this.#sendTracked('heartbeat', { messageId: 0x0002, body: {} }, [], 0), this.#options.heartbeatS * 1000);
      this.#uploadNextBatch();
      return;
    }
    const reason = `authentication rejected by platform: result ${describeGeneralResult(result)}`;
    this.#authCode = null;
    if (this.#registeredThisConnection) {
      this.#log.error({ result }, reason);
      void this.stop(reason);
      return;
    }
    // A code kept from an earlier registration may have been revoked: register again, as terminals do.
    this.#log.warn({ result }, 'stored auth code rejected; registering again');
    this.#register();
  }

  #reportTick(): void {
    this.#lastSample = this.#options.mover.step(this.#options.intervalS);
    if (!this.#fixLost) this.#lastFix = this.#lastSample;
    this.#report(this.#currentPosition());
  }

  #currentPosition(): Position {
    const conditions = { alarm: this.#alarm, fixLost: this.#fixLost, signal: 24, satellites: 12, baseMileageKm: this.#options.baseMileageKm };
    return buildPosition(this.#lastSample, conditions, this.#lastFix, new Date());
  }

  #report(position: Position): void {
    if (this.#phase !== 'online') {
      this.#toBlind([position], false);
      return;
    }
    this.#sendTracked('report', { messageId: 0x0200, body: position }, [position], 0);
  }

  #uploadNextBatch(): void {
    if (this.#batchInFlight || this.#blind.length === 0 || this.#phase !== 'online') return;
    const positions = this.#blind.splice(0, this.#options.batchSize);
    this.#batchInFlight = true;
    this.#log.info({ count: positions.length, remaining: this.#blind.length }, 'uploading blind-area batch');
    this.#sendTracked('batch', { messageId: 0x0704, body: { type: 1, count: positions.length, positions } }, positions, 0);
  }

  #toBlind(positions: Position[], unanswered: boolean): void {
    if (positions.length === 0) return;
    this.#blind.push(...positions);
    if (unanswered) this.#blind.sort((a, b) => (a.time?.getTime() ?? 0) - (b.time?.getTime() ?? 0));
    else this.stats.buffered += positions.length;
    const excess = this.#blind.length - this.#options.maxBlindReports;
    if (excess > 0) {
      this.#blind.splice(0, excess);
      this.#log.warn({ dropped: excess, kept: this.#blind.length }, 'blind-area buffer full; oldest reports dropped');
    }
  }

  #onAnswerTimeout(message: PendingMessage): void {
    if (this.#phase === 'stopped') return;
    if (message.kind === 'heartbeat') return;
    if (message.attempt < this.#options.maxResends) {
      this.stats.resent += message.positions.length;
      this.#log.warn({ messageId: hexId(message.messageId), serial: message.serial, attempt: message.attempt + 1 }, 'platform response timed out; resending with a new serial');
      const body = this.#resendBody(message);
      this.#sendTracked(message.kind, body, message.positions, message.attempt + 1);
      return;
    }
    this.#log.warn({ messageId: hexId(message.messageId), serial: message.serial, resends: message.attempt }, 'platform response timed out after the last resend; reconnecting');
    this.#toBlind(message.positions, true);
    if (message.kind === 'batch') this.#batchInFlight = false;
    this.#socket?.destroy();
  }

  #resendBody(message: PendingMessage): MessageBody {
    if (message.kind === 'registration') return this.#registrationBody();
    if (message.kind === 'authentication') return this.#authenticationBody();
    if (message.kind === 'batch') return { messageId: 0x0704, body: { type: 1, count: message.positions.length, positions: message.positions } };
    return { messageId: 0x0200, body: message.positions[0]! };
  }

  #sendTracked(kind: PendingMessage['kind'], body: MessageBody, positions: Position[], attempt: number): void {
    const serial = this.#send(body);
    if (serial === null) {
      this.#toBlind(positions, true);
      return;
    }
    if (kind === 'report') this.stats.reportsSent++;
    this.#tracker.track({ kind, messageId: body.messageId, serial, attempt, positions });
  }

  /** Writes one message with the next serial; returns the serial, or null when there is no open connection. */
  #send(message: MessageBody): number | null {
    const socket = this.#socket;
    if (!socket || socket.destroyed || socket.connecting) return null;
    const serial = this.#serial;
    this.#serial = (this.#serial + 1) & 0xffff;
    socket.write(encodeWire({ edition: this.edition, phone: headerPhone(this.phone, this.edition), serial }, message));
    return serial;
  }

  #settings(): TerminalSettings {
    const o = this.#options;
    return { heartbeatS: o.heartbeatS, ackTimeoutS: o.ackTimeoutMs / 1000, maxResends: o.maxResends, serverHost: o.host, serverPort: o.port, intervalS: o.intervalS, plate: o.plate, plateColor: o.plateColor };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
