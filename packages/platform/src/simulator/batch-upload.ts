import type { HeaderEdition, Message, MessageBody, Position } from '@gongche/jt808';
import { ReplayConnection } from '../replay/connection.ts';
import { attributesBody, authenticationBody, registrationBody } from './bodies.ts';
import { beijingBcd } from './report.ts';
import { encodeWire, headerPhone } from './wire.ts';

/** One fix to upload; times are UTC milliseconds. */
export interface UploadFix {
  time: number;
  latitude: number;
  longitude: number;
  speedKmh: number;
  acc: boolean;
  alarm: number;
}

const responseTimeoutMs = 10_000;
/** Reports per 0x0704 batch; 30 reports of 28 bytes keep each frame under 1 KiB. */
const batchSize = 30;

function toPosition(fix: UploadFix): Position {
  // JT/T 808 times have whole seconds.
  const time = new Date(Math.round(fix.time / 1000) * 1000);
  return {
    alarm: fix.alarm,
    status: (fix.acc ? 1 : 0) | 2,
    acc: fix.acc,
    fixed: true,
    latitude: Math.round(fix.latitude * 1e6) / 1e6,
    longitude: Math.round(fix.longitude * 1e6) / 1e6,
    altitudeM: 1290,
    speedKmh: fix.speedKmh,
    course: 0,
    time,
    timeBcd: beijingBcd(time),
    items: [],
  };
}

/**
 * Connects as a registered terminal, registers, authenticates and uploads the fixes as 0x0704
 * blind-area batches (type 1), each acknowledged before the next one goes out, as a terminal does
 * after a spell without network. Throws when the gateway rejects a step or does not respond.
 */
export async function uploadBlindArea(options: { host: string; port: number; phone: string; plate: string; edition?: HeaderEdition; fixes: readonly UploadFix[] }): Promise<void> {
  const edition = options.edition ?? '2013';
  let serial = 0;
  let connection: ReplayConnection | null = null;
  const send = (message: MessageBody): number => {
    serial = (serial + 1) & 0xffff;
    connection!.send(encodeWire({ edition, phone: headerPhone(options.phone, edition), serial }, message));
    return serial;
  };
  const onMessage = (message: Message) => {
    if (message.messageId === 0x8107) send(attributesBody(options.phone, 'GC-SIM-1'));
  };
  connection = await ReplayConnection.open(options.host, options.port, onMessage, () => undefined);
  try {
    const registration = send(registrationBody({ phone: options.phone, edition, terminalModel: 'GC-SIM-1', plate: options.plate, plateColor: 1 }));
    const registered = await connection.waitFor((m) => m.messageId === 0x8100 && m.body.replySerial === registration, responseTimeoutMs);
    if (registered?.messageId !== 0x8100 || registered.body.result !== 0 || !registered.body.authCode) {
      throw new Error(`Registration of terminal ${options.phone} failed: ${registered ? `result ${registered.messageId === 0x8100 ? registered.body.result : '?'}` : 'no response'}`);
    }
    await acknowledged(connection, send(authenticationBody(registered.body.authCode, options.phone, edition)), `authentication of terminal ${options.phone}`);
    for (let i = 0; i < options.fixes.length; i += batchSize) {
      const positions = options.fixes.slice(i, i + batchSize).map(toPosition);
      await acknowledged(connection, send({ messageId: 0x0704, body: { type: 1, count: positions.length, positions } }), `blind-area batch ${i / batchSize + 1} of terminal ${options.phone}`);
    }
  } finally {
    await connection.close();
  }
}

async function acknowledged(connection: ReplayConnection, serial: number, step: string): Promise<void> {
  const response = await connection.waitFor((m) => m.messageId === 0x8001 && m.body.replySerial === serial, responseTimeoutMs);
  if (!response) throw new Error(`The gateway did not respond to the ${step} within ${responseTimeoutMs} ms; check that it runs on this port`);
  if (response.messageId === 0x8001 && response.body.result !== 0) throw new Error(`The gateway rejected the ${step} with result ${response.body.result}`);
}
