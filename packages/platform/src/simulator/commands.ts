import type { Message, MessageBody, Position, TerminalParameter } from '@gongche/jt808';
import { gbkCodec } from '../text-codec.ts';

/** What a simulated terminal exposes to answer platform commands. */
export interface CommandContext {
  /** The location block of a report made now. */
  currentPosition(): Position;
  settings: TerminalSettings;
  /** Returns the 0x0107 response to a terminal attributes query. */
  attributes(): MessageBody;
  /** Clears the alarm bits a 0x8203 manual alarm confirmation names. */
  confirmAlarm(alarmType: number): void;
}

/** Settings the simulated terminal reports through 0x0104. */
export interface TerminalSettings {
  heartbeatS: number;
  ackTimeoutS: number;
  maxResends: number;
  serverHost: string;
  serverPort: number;
  intervalS: number;
  plate: string;
  plateColor: number;
}

/** Platform commands that a terminal acknowledges with a 0x0001 general response, result 0. */
const acknowledgedCommands = new Set([0x8103, 0x8105, 0x8202, 0x8203, 0x8300, 0x8600, 0x8601, 0x8602, 0x8603, 0x8604, 0x8605]);

/**
 * Returns the terminal's answer to a platform command: 0x0201 for a location query, 0x0104 for a
 * parameter query, 0x0107 for an attributes query, a 0x0001 result 0 for the commands it carries out, and a 0x0001 result 3
 * (not supported) for any other platform message. Returns null for messages that take no answer.
 */
export function answerCommand(message: Message, context: CommandContext): MessageBody | null {
  const { messageId, serial } = message.header;
  if (messageId === 0x8001 || messageId === 0x8100 || messageId < 0x8000) return null;

  if (message.messageId === 0x8201) {
    return { messageId: 0x0201, body: { replySerial: serial, position: context.currentPosition() } };
  }
  if (message.messageId === 0x8104) {
    return { messageId: 0x0104, body: { replySerial: serial, parameters: reportedParameters(context.settings) } };
  }
  if (message.messageId === 0x8107) return context.attributes();
  if (message.messageId === 0x8203) context.confirmAlarm(message.body.alarmType);
  const result = acknowledgedCommands.has(messageId) ? 0 : 3;
  return { messageId: 0x0001, body: { replySerial: serial, replyId: messageId, result } };
}

/** Parameters 0x0001, 0x0002, 0x0003, 0x0013, 0x0018, 0x0029, 0x0083 and 0x0084 of JT/T 808 table 12. */
export function reportedParameters(settings: TerminalSettings): TerminalParameter[] {
  return [
    { id: 0x0001, value: dword(settings.heartbeatS) },
    { id: 0x0002, value: dword(settings.ackTimeoutS) },
    { id: 0x0003, value: dword(settings.maxResends) },
    { id: 0x0013, value: Buffer.from(settings.serverHost, 'latin1') },
    { id: 0x0018, value: dword(settings.serverPort) },
    { id: 0x0029, value: dword(settings.intervalS) },
    { id: 0x0083, value: gbkCodec.encode(settings.plate) },
    { id: 0x0084, value: Buffer.from([settings.plateColor]) },
  ];
}

function dword(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(Math.round(value) >>> 0);
  return buffer;
}
