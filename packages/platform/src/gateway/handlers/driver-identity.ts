import type { DriverIdentity, Frame, Header } from '@gongche/jt808';
import { Result, type TerminalConnection } from '../connection.ts';
import { requireKeyring } from '../../crypto/setup.ts';
import { frameAad } from '../../ingest/sealed-rows.ts';
import { driverReportRow } from '../../drivers/reports.ts';

/**
 * Keeps the raw 0x0702 frame as evidence of who drove and stores the decoded report in
 * driver_reports (state, device time, card number, name) with the frame's id, in one
 * transaction, then acknowledges it. The rules read the reports to tie drivers to trips.
 */
export async function handleDriverIdentity(connection: TerminalConnection, header: Header, frame: Frame, body: DriverIdentity, receivedAt: number): Promise<void> {
  const terminal = connection.terminal!;
  const sealed = requireKeyring(connection.context.store).sealer().seal(frame.content, frameAad(terminal.id, header.messageId, header.serial, receivedAt));
  const reportId = await connection.context.store.db.transaction().execute(async (trx) => {
    const raw = await trx
      .insertInto('raw_frames')
      .values({ terminal_id: terminal.id, received_at: receivedAt, message_id: header.messageId, serial: header.serial, sealed })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = driverReportRow(body, { terminalId: terminal.id, vehicleId: terminal.vehicleId, rawFrameId: raw.id }, receivedAt);
    const report = await trx.insertInto('driver_reports').values(row).returning('id').executeTakeFirstOrThrow();
    return report.id;
  });
  connection.log.info({ state: body.state, readResult: body.readResult, reportId, vehicleId: terminal.vehicleId }, 'driver identity reported');
  connection.reply(header, Result.success);
}
