import fs from 'node:fs/promises';
import type { HeaderEdition, Message, MessageBody } from '@gongche/jt808';
import { phoneKey } from '../registry/phone.ts';
import { describeGeneralResult, describeRegistrationResult, hexId } from '../simulator/results.ts';
import { encodeWire } from '../simulator/wire.ts';
import { authenticationBody, registrationBody } from '../simulator/bodies.ts';
import { ReplayConnection } from './connection.ts';
import { parseCapture, type CapturedFrame, type SkippedLine } from './parse.ts';

export interface ReplayOptions {
  /** Capture file: one hex frame per line. */
  file: string;
  host: string;
  port: number;
  /** Receives each readable output line (platform responses, skipped lines, notes). Default: discard. */
  print?: (line: string) => void;
  /** Time to wait for the platform's response to each frame. Default 2,000 ms. */
  answerTimeoutMs?: number;
}

export interface TerminalReplay {
  phone: string;
  edition: HeaderEdition;
  /** True when the tool registered and authenticated on its own because the file has neither 0x0100 nor 0x0102 for this phone. */
  ownAuthentication: boolean;
  framesSent: number;
  /** Every platform message received, in arrival order. */
  answers: Message[];
  /** Lines of frames whose platform response timed out. */
  unanswered: number[];
  /** Lines of frames sent with an invalid check code. */
  invalidChecksum: number[];
  /** Reason the replay of this phone ended early, if it did. */
  failure?: string;
}

export interface ReplayReport {
  frames: number;
  skipped: SkippedLine[];
  terminals: TerminalReplay[];
}

/**
 * Replays a capture file against a gateway. For each terminal phone, in file order, it connects,
 * registers and authenticates first unless the file carries those frames, sends the frames as
 * captured (bytes unchanged, invalid check codes included) and waits for each answer.
 */
export async function replayFile(options: ReplayOptions): Promise<ReplayReport> {
  const print = options.print ?? (() => undefined);
  const capture = parseCapture(await fs.readFile(options.file, 'utf8'));
  for (const skipped of capture.skipped) print(`line ${skipped.line}: skipped, ${skipped.reason}`);

  const report: ReplayReport = { frames: capture.frames.length, skipped: capture.skipped, terminals: [] };
  for (const frames of groupByPhone(capture.frames)) {
    report.terminals.push(await replayTerminal(frames, options, print));
  }
  return report;
}

function groupByPhone(frames: CapturedFrame[]): CapturedFrame[][] {
  const groups = new Map<string, CapturedFrame[]>();
  for (const frame of frames) {
    const key = phoneKey(frame.header.phone);
    const group = groups.get(key) ?? [];
    group.push(frame);
    groups.set(key, group);
  }
  return [...groups.values()];
}

async function replayTerminal(frames: CapturedFrame[], options: ReplayOptions, print: (line: string) => void): Promise<TerminalReplay> {
  const first = frames[0]!.header;
  const hasRegistration = frames.some((f) => f.header.messageId === 0x0100);
  const hasAuthentication = frames.some((f) => f.header.messageId === 0x0102);
  const result: TerminalReplay = {
    phone: first.phone,
    edition: first.edition,
    ownAuthentication: !hasRegistration && !hasAuthentication,
    framesSent: 0,
    answers: [],
    unanswered: [],
    invalidChecksum: [],
  };
  print(`terminal ${first.phone} (${first.edition}): ${frames.length} frames`);
  const timeoutMs = options.answerTimeoutMs ?? 2000;
  const session = { result, print, timeoutMs, phone: first.phone, edition: first.edition };

  let connection: ReplayConnection;
  try {
    connection = await connect(options, session);
    if (result.ownAuthentication && !(await authenticate(connection, session, null))) return closeEarly(connection, session);
    for (const frame of frames) {
      if (connection.closed) {
        print(`terminal ${first.phone}: connection closed by the gateway; reconnecting before line ${frame.line}`);
        connection = await connect(options, session);
        if (result.ownAuthentication && !(await authenticate(connection, session, null))) return closeEarly(connection, session);
      }
      const answer = await sendCaptured(connection, frame, session);
      const rejection = capturedLoginRejection(answer);
      if (rejection) {
        fail(session, rejection);
        return closeEarly(connection, session);
      }
      if (answer?.messageId === 0x8100 && answer.body.result === 0 && !hasAuthentication) {
        if (!(await authenticate(connection, session, answer.body.authCode ?? ''))) return closeEarly(connection, session);
      }
    }
    await connection.close();
  } catch (error) {
    result.failure = `connection to ${options.host}:${options.port} failed: ${(error as Error).message}`;
    print(`terminal ${first.phone}: ${result.failure}`);
  }
  return result;
}

/** Returns why the platform rejected a captured registration or authentication, or null. */
function capturedLoginRejection(answer: Message | null): string | null {
  if (answer?.messageId === 0x8100 && answer.body.result !== 0) return `registration rejected: result ${describeRegistrationResult(answer.body.result)}`;
  if (answer?.messageId === 0x8001 && answer.body.replyId === 0x0102 && answer.body.result !== 0) {
    return `authentication rejected: result ${describeGeneralResult(answer.body.result)}`;
  }
  return null;
}

interface Session {
  result: TerminalReplay;
  print: (line: string) => void;
  timeoutMs: number;
  phone: string;
  edition: HeaderEdition;
}

function connect(options: ReplayOptions, session: Session): Promise<ReplayConnection> {
  return ReplayConnection.open(
    options.host,
    options.port,
    (message) => {
      session.result.answers.push(message);
      session.print(`  <- ${describeAnswer(message)}`);
    },
    (reason) => session.print(`  <- ${reason}`),
  );
}

async function sendCaptured(connection: ReplayConnection, frame: CapturedFrame, session: Session): Promise<Message | null> {
  const { messageId, serial } = frame.header;
  const note = frame.checksumValid ? '' : ' (invalid check code, sent anyway)';
  if (!frame.checksumValid) session.result.invalidChecksum.push(frame.line);
  session.print(`line ${frame.line}: -> ${hexId(messageId)} serial ${serial}${note}`);
  connection.send(frame.wire);
  session.result.framesSent++;
  // A terminal's 0x0001 general response gets no answer from the platform.
  if (messageId === 0x0001) return null;
  const answer = await connection.waitFor((m) => answers(m, messageId, serial), frame.checksumValid ? session.timeoutMs : Math.min(session.timeoutMs, 500));
  if (!answer) {
    session.result.unanswered.push(frame.line);
    session.print(`line ${frame.line}: no response within ${session.timeoutMs} ms`);
  }
  return answer;
}

function answers(message: Message, messageId: number, serial: number): boolean {
  if (messageId === 0x0100) return message.messageId === 0x8100 && message.body.replySerial === serial;
  return message.messageId === 0x8001 && message.body.replySerial === serial && message.body.replyId === messageId;
}

/**
 * Registers (when `authCode` is null) and authenticates with the capture's phone and edition.
 * Returns false, with the reason recorded, when the platform rejects either step.
 */
async function authenticate(connection: ReplayConnection, session: Session, authCode: string | null): Promise<boolean> {
  let code = authCode;
  if (code === null) {
    // The capture carries no plate, so the registration sends a VIN-style identifier (plate colour 0).
    const fields = { phone: session.phone, edition: session.edition, terminalModel: 'GC-REPLAY', plate: '', plateColor: 0 };
    const registration = await exchange(connection, session, 0xfff0, registrationBody(fields));
    if (registration?.messageId !== 0x8100 || registration.body.result !== 0) {
      const detail = registration?.messageId === 0x8100 ? describeRegistrationResult(registration.body.result) : 'no answer';
      return fail(session, `registration rejected: result ${detail}`);
    }
    code = registration.body.authCode ?? '';
  }
  const answer = await exchange(connection, session, 0xfff1, authenticationBody(code, session.phone, session.edition));
  if (answer?.messageId !== 0x8001 || answer.body.result !== 0) {
    const detail = answer?.messageId === 0x8001 ? describeGeneralResult(answer.body.result) : 'no answer';
    return fail(session, `authentication rejected: result ${detail}`);
  }
  return true;
}

async function exchange(connection: ReplayConnection, session: Session, serial: number, message: MessageBody): Promise<Message | null> {
  session.print(`replay: -> ${hexId(message.messageId)} serial ${serial} (sent by the replay tool)`);
  connection.send(encodeWire({ edition: session.edition, phone: session.phone, serial }, message));
  return connection.waitFor((m) => answers(m, message.messageId, serial), session.timeoutMs);
}

async function closeEarly(connection: ReplayConnection, session: Session): Promise<TerminalReplay> {
  session.print(`terminal ${session.phone}: its remaining frames are not sent`);
  await connection.close();
  return session.result;
}

function fail(session: Session, reason: string): false {
  session.result.failure = reason;
  session.print(`terminal ${session.phone}: ${reason}`);
  return false;
}

/** Describes a platform message in one readable line: id, serial, and reply serial/id and result where present. */
export function describeAnswer(message: Message): string {
  const head = `${hexId(message.header.messageId)} serial ${message.header.serial}`;
  if (message.messageId === 0x8001) {
    const { replySerial, replyId, result } = message.body;
    return `${head} reply to ${hexId(replyId)} serial ${replySerial}: result ${describeGeneralResult(result)}`;
  }
  if (message.messageId === 0x8100) {
    const { replySerial, result } = message.body;
    return `${head} registration reply to serial ${replySerial}: result ${describeRegistrationResult(result)}`;
  }
  return `${head} platform message`;
}
