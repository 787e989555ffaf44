import type { Socket } from 'node:net';
import {
  FrameDecoder,
  SubpackageAssembler,
  encodeMessage,
  type Frame,
  type Header,
  type HeaderEdition,
  type MessageBody,
} from '@gongche/jt808';
import type { Logger } from '../logger.ts';
import { AppError } from '../errors.ts';
import { gbkCodec } from '../text-codec.ts';
import type { TerminalState } from '../ingest/terminal-state.ts';
import type { GatewayContext } from './context.ts';
import { PendingCommands } from './commands.ts';
import { dispatchFrame } from './dispatch.ts';

let nextConnectionId = 1;

/** 0x8001 result codes of JT/T 808. */
export const Result = { success: 0, failure: 1, messageError: 2, notSupported: 3, alarmConfirmed: 4 } as const;

const rateWindowMs = 10_000;

/** One terminal's TCP connection: framing, limits, ordered processing, replies and commands. */
export class TerminalConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly context: GatewayContext;
  readonly pending = new PendingCommands();
  log: Logger;
  /** Header identity of the terminal as it last spoke: replies mirror its edition and phone digits. */
  peer: { phone: string; edition: HeaderEdition; protocolVersion?: number } | null = null;
  terminal: TerminalState | null = null;
  sessionRowId: number | null = null;
  framesIn = 0;
  /** Position reports received but not yet acknowledged, because their commit is pending. */
  pendingAcks = 0;
  /** Receipt time of the last frame, for the terminal's last-seen time. */
  lastFrameAt = 0;
  unauthenticatedFrames = 0;
  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly assembler: SubpackageAssembler;
  #serial = 0;
  #chain: Promise<void> = Promise.resolve();
  #windowStart = Date.now();
  #windowFrames = 0;
  #discarded = 0;
  #closed = false;
  /** True while the socket is corked for the current tick, so that its writes go out in one system call. */
  #corked = false;
  #onClose: (connection: TerminalConnection, reason: string) => void;

  constructor(socket: Socket, context: GatewayContext, onClose: (connection: TerminalConnection, reason: string) => void) {
    this.#socket = socket;
    this.context = context;
    this.#onClose = onClose;
    this.remoteAddress = `${socket.remoteAddress ?? 'unknown'}:${socket.remotePort ?? 0}`;
    this.log = context.logger.child({ connection: this.id, remote: this.remoteAddress });
    const settings = context.config.gateway;
    this.#decoder = new FrameDecoder({ maxFrameBytes: settings.maxFrameBytes });
    this.assembler = new SubpackageAssembler({ timeoutMs: settings.subpackageTimeoutS * 1000 });
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutS * 1000);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('timeout', () => this.close('idle_timeout'));
    socket.on('error', (error) => this.log.info({ err: error }, 'socket error'));
    socket.on('close', () => this.#finish('peer_closed'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return;
    const receivedAt = Date.now();
    for (const event of this.#decoder.push(chunk)) {
      if (event.kind === 'frame') this.#acceptFrame(event.frame, receivedAt);
      else if (event.kind === 'discard') this.#countDiscard(event.bytes);
      else {
        this.context.metrics.decodeErrors.inc({ code: event.error.code });
        this.log.warn({ code: event.error.code, error: event.error.message, frame: event.wire.subarray(0, 64).toString('hex') }, 'bad frame dropped');
      }
      if (this.#closed) return;
    }
    if (this.#decoder.bufferedBytes > this.context.config.gateway.maxBufferedBytes) {
      this.close('buffer_limit');
    }
  }

  #acceptFrame(frame: Frame, receivedAt: number): void {
    this.framesIn++;
    this.lastFrameAt = receivedAt;
    this.context.metrics.frame(frame.header.messageId);
    if (!this.#withinRate(receivedAt)) return;
    this.#chain = this.#chain
      .then(() => (this.#closed ? undefined : dispatchFrame(this, frame, receivedAt)))
      .catch((error: unknown) => {
        this.log.error({ err: error, messageId: frame.header.messageId, serial: frame.header.serial }, 'frame handling failed');
        if (!this.#closed) this.reply(frame.header, Result.failure);
      });
  }

  #withinRate(now: number): boolean {
    if (now - this.#windowStart >= rateWindowMs) {
      this.#windowStart = now;
      this.#windowFrames = 0;
    }
    this.#windowFrames++;
    const limit = (this.context.config.gateway.maxFramesPerSecond * rateWindowMs) / 1000;
    if (this.#windowFrames <= limit) return true;
    this.close('frame_rate_limit');
    return false;
  }

  #countDiscard(bytes: number): void {
    this.#discarded += bytes;
    this.context.metrics.discardedBytes.inc(bytes);
    const address = this.#socket.remoteAddress ?? 'unknown';
    const discards = this.context.discards;
    // Bounded so that a scan from many addresses cannot grow the map without limit.
    if (discards.has(address) || discards.size < 10_000) discards.set(address, (discards.get(address) ?? 0) + bytes);
    this.log.debug({ bytes }, 'non-JT/T 808 bytes skipped');
    const { maxDiscardedBytes, maxDiscardedBeforeFirstFrame } = this.context.config.gateway;
    if (this.#discarded > maxDiscardedBytes || (this.framesIn === 0 && this.#discarded > maxDiscardedBeforeFirstFrame)) this.close('not_jt808');
  }

  /** Returns the next platform serial of this connection: 1, 2, ... 65535, 0, 1, ... */
  nextSerial(): number {
    this.#serial = (this.#serial + 1) & 0xffff;
    return this.#serial;
  }

  /** Encodes and writes a platform message to the terminal; returns the serial used. */
  send(message: MessageBody, peer = this.peer): number {
    if (!peer) throw new AppError('GONGCHE_ERR_TERMINAL_UNKNOWN', 409, 'The terminal has not identified itself on this connection yet');
    const serial = this.nextSerial();
    const header = { edition: peer.edition, phone: peer.phone, serial, ...(peer.protocolVersion !== undefined && { protocolVersion: peer.protocolVersion }) };
    if (!this.#closed) this.#write(encodeMessage(header, message, { text: gbkCodec }));
    return serial;
  }

  /**
   * Writes `bytes` at the end of the current tick, together with the other replies of that tick.
   * A committed group acknowledges all its reports at once, so after a backlog a terminal gets its
   * replies in one write instead of one write per reply.
   */
  #write(bytes: Buffer): void {
    if (!this.#corked) {
      this.#corked = true;
      this.#socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#socket.uncork();
      });
    }
    this.#socket.write(bytes);
  }

  /** Answers a terminal message with a 0x8001 general response. */
  reply(header: Header, result: number): void {
    const peer = { phone: header.phone, edition: header.edition, ...(header.protocolVersion !== undefined && { protocolVersion: header.protocolVersion }) };
    this.send({ messageId: 0x8001, body: { replySerial: header.serial, replyId: header.messageId, result } }, peer);
  }

  /** Closes the connection after what was written has been flushed. */
  close(reason: string): void {
    if (this.#closed) return;
    if (reason !== 'peer_closed' && reason !== 'server_stopping' && reason !== 'logout') {
      this.context.metrics.refusals.inc({ reason });
      this.log.warn({ reason, phone: this.peer?.phone }, 'closing connection');
    }
    this.#finish(reason);
    this.#socket.end();
    this.#socket.destroySoon?.();
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#discarded > 0) {
      // An HTTP request or a port scan ends here: once per connection, with the address's running total.
      const fromAddress = this.context.discards.get(this.#socket.remoteAddress ?? 'unknown');
      this.log.warn({ discardedBytes: this.#discarded, discardedFromAddress: fromAddress, reason, phone: this.peer?.phone }, 'connection sent bytes that are not JT/T 808');
    }
    this.pending.rejectAll(new AppError('GONGCHE_ERR_TERMINAL_OFFLINE', 409, `Connection to the terminal closed (${reason})`));
    this.#onClose(this, reason);
  }

  /** Stops reading from the socket; returns false when it was already paused. */
  pauseReading(): boolean {
    if (this.#socket.isPaused()) return false;
    this.#socket.pause();
    return true;
  }

  resumeReading(): void {
    if (this.#socket.isPaused() && !this.#closed) this.#socket.resume();
  }

  /** Waits until every frame received so far has been handled (used when stopping). */
  drained(): Promise<void> {
    return this.#chain;
  }
}
