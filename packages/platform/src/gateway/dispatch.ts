import { Jt808Error, decodeMessage, type Frame, type Message } from '@gongche/jt808';
import { gbkCodec } from '../text-codec.ts';
import { Result, type TerminalConnection } from './connection.ts';
import { handleRegistration } from './handlers/registration.ts';
import { handleAuthentication } from './handlers/authentication.ts';
import { handleLocation } from './handlers/location.ts';
import { handleAnswer } from './handlers/answers.ts';
import { handleDriverIdentity } from './handlers/driver-identity.ts';

/** Frames a terminal may send before it has authenticated. */
const allowedBeforeAuth = new Set([0x0100, 0x0102, 0x0003]);
/** Frames rejected with result 1 before authentication, after which the connection is closed. */
const maxUnauthenticatedFrames = 10;

/** Decodes one frame (joining subpackages first) and runs its handler. */
export async function dispatchFrame(connection: TerminalConnection, frame: Frame, receivedAt: number): Promise<void> {
  const { header } = frame;
  connection.peer = { phone: header.phone, edition: header.edition, ...(header.protocolVersion !== undefined && { protocolVersion: header.protocolVersion }) };

  const joined = header.subpackage !== undefined;
  if (joined) {
    const whole = connection.assembler.add(frame, receivedAt);
    if (!whole) {
      connection.reply(header, Result.success);
      return;
    }
    frame = whole;
  }

  if (!connection.terminal && !allowedBeforeAuth.has(header.messageId)) {
    rejectUnauthenticated(connection, frame);
    return;
  }
  if (connection.terminal && header.phone.replace(/^0+/, '') !== connection.terminal.phone.replace(/^0+/, '')) {
    connection.log.warn({ phone: header.phone, messageId: header.messageId }, 'frame from another phone number on an authenticated connection');
    connection.reply(header, Result.failure);
    return;
  }

  let message: Message;
  try {
    message = decodeMessage(frame, { text: gbkCodec });
  } catch (error) {
    if (!(error instanceof Jt808Error)) throw error;
    connection.context.metrics.decodeErrors.inc({ code: error.code });
    const unsupported = error.code === 'JT808_ERR_UNSUPPORTED_MESSAGE';
    connection.log[unsupported ? 'info' : 'warn']({ code: error.code, error: error.message, messageId: header.messageId }, 'message not decoded');
    connection.reply(header, unsupported ? Result.notSupported : Result.messageError);
    return;
  }
  // A joined message is acknowledged, and stored, under the serial of the package that completed it.
  if (joined) message.header = { ...message.header, serial: header.serial };
  await route(connection, message, frame, receivedAt, joined);
}

function rejectUnauthenticated(connection: TerminalConnection, frame: Frame): void {
  connection.unauthenticatedFrames++;
  connection.context.metrics.refusals.inc({ reason: 'not_authenticated' });
  connection.log.info({ phone: frame.header.phone, messageId: frame.header.messageId }, 'frame before authentication rejected');
  connection.reply(frame.header, Result.failure);
  if (connection.unauthenticatedFrames >= maxUnauthenticatedFrames) connection.close('not_authenticated');
}

async function route(connection: TerminalConnection, message: Message, frame: Frame, receivedAt: number, joined: boolean): Promise<void> {
  switch (message.messageId) {
    case 0x0100:
      return handleRegistration(connection, message.header, message.body);
    case 0x0102:
      return handleAuthentication(connection, message.header, message.body, receivedAt);
    case 0x0002:
      connection.reply(message.header, Result.success);
      return;
    case 0x0003:
      connection.reply(message.header, Result.success);
      connection.close('logout');
      return;
    case 0x0200:
      return handleLocation(connection, message.header, frame, null, receivedAt, joined);
    case 0x0201:
      connection.pending.settle(message.body.replySerial, message);
      return handleLocation(connection, message.header, frame, null, receivedAt, joined);
    case 0x0704:
      return handleLocation(connection, message.header, frame, message.body.type, receivedAt, joined);
    case 0x0702:
      return handleDriverIdentity(connection, message.header, frame, message.body, receivedAt);
    case 0x0001:
    case 0x0104:
    case 0x0107:
    case 0x0900:
      return handleAnswer(connection, message);
    default:
      connection.reply(message.header, Result.notSupported);
  }
}
