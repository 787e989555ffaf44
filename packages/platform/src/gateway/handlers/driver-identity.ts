import type { DriverIdentity, Frame, Header } from '@gongche/jt808';
import { Result, type TerminalConnection } from '../connection.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { frameAad } from '../../ingest/sealed-rows.ts';

/**
 * Keeps the raw 0x0702 frame as evidence of who drove, then acknowledges it.
 * TODO: decode into a drivers/driver-events table once drivers are in the registry; until
 * then the identity can only be read back from the stored raw frame.
 */
export async function handleDriverIdentity(connection: TerminalConnection, header: Header, frame: Frame, body: DriverIdentity, receivedAt: number): Promise<void> {
  const terminalId = connection.terminal!.id;
  const sealed = requireKeyring(connection.context.store).sealer().seal(frame.content, frameAad(terminalId, header.messageId, header.serial, receivedAt));
  await connection.context.store.db
    .insertInto('raw_frames')
    .values({ terminal_id: terminalId, received_at: receivedAt, message_id: header.messageId, serial: header.serial, sealed })
    .execute();
  connection.log.info({ state: body.state, readResult: body.readResult }, 'driver identity reported');
  connection.reply(header, Result.success);
}
